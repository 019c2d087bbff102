"""Checks a knowledge base for errors (which block it) and warnings (which ask for attention)."""

from __future__ import annotations

from datetime import date
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

from bot.knowledge.freshness import (
    DEFAULT_RETIRED_DOMAINS,
    RetiredDomains,
    freshness_problems,
    load_retired_domains,
    retired_domains_file,
)
from bot.knowledge.schema import PROGRAMME_TOPICS, TOPIC_FILES
from bot.knowledge.store import LoadResult, LocatedEntry, Problem, load_knowledge
from bot.text import fold

NEAR_DUPLICATE_RATIO = 0.92
"""Word-level similarity from which two questions count as the same question asked twice."""


def _problem(located: LocatedEntry, severity: str, message: str) -> Problem:
    return Problem(severity, located.file, message, entry_id=located.entry.id, line=located.line)  # type: ignore[arg-type]


def duplicate_ids(entries: list[LocatedEntry]) -> list[Problem]:
    """An id used by more than one entry (across all files)."""
    first: dict[str, LocatedEntry] = {}
    problems = []
    for located in entries:
        earlier = first.setdefault(located.entry.id, located)
        if earlier is not located:
            problems.append(
                _problem(located, "error", f"duplicate id, first used at {earlier.file}:{earlier.line}")
            )
    return problems


def near_duplicate_questions(entries: list[LocatedEntry]) -> list[Problem]:
    """Two entries asking the same question (an error) or almost the same (a warning to look at),
    ignoring case, diacritics and punctuation. Questions that differ in one key word ("rút" or
    "chuyển" tiền) are often distinct needs, so near-duplicates do not block."""
    folded = [(located, fold(located.entry.question).split()) for located in entries]
    problems = []
    for (a, fa), (b, fb) in combinations(folded, 2):
        if a.entry.id == b.entry.id:
            continue
        if fa == fb:
            problems.append(_problem(b, "error", f"same question as entry '{a.entry.id}'"))
        elif SequenceMatcher(None, fa, fb, autojunk=False).ratio() >= NEAR_DUPLICATE_RATIO:
            problems.append(_problem(b, "warning", f"question nearly duplicates entry '{a.entry.id}'"))
    return problems


def entry_problems(located: LocatedEntry, known_ids: set[str], today: date) -> list[Problem]:
    """Problems of one entry on its own: references, source, dates, completeness."""
    entry = located.entry
    problems = []
    for related in entry.related:
        if related == entry.id:
            problems.append(_problem(located, "error", "lists itself in 'related'"))
        elif related not in known_ids:
            problems.append(_problem(located, "error", f"unknown related id '{related}'"))
    if entry.source_url and not entry.source_url.startswith("https://"):
        problems.append(_problem(located, "error", f"source_url is not https: {entry.source_url}"))
    if entry.reviewed_on and entry.review_by and entry.review_by < entry.reviewed_on:
        problems.append(_problem(located, "error", "review_by is before reviewed_on"))
    if entry.review_by and entry.review_by < today:
        problems.append(_problem(located, "warning", f"past its review date ({entry.review_by})"))
    severity = "error" if entry.origin == "curated" else "warning"
    problems.extend(_problem(located, severity, message) for message in entry.completeness_problems())
    folded_question = fold(entry.question)
    if any(fold(alternate) == folded_question for alternate in entry.alternates):
        problems.append(_problem(located, "warning", "an alternate only repeats the question"))
    return problems


def topic_placement(located: LocatedEntry) -> list[Problem]:
    """Curated programme files hold only their own topic."""
    expected = TOPIC_FILES.get(Path(located.file).name)
    if expected and located.entry.topic != expected:
        return [_problem(located, "error", f"topic '{located.entry.topic}' in the file of topic '{expected}'")]
    if located.entry.origin == "curated" and located.entry.topic not in PROGRAMME_TOPICS:
        return [_problem(located, "error", f"unknown topic '{located.entry.topic}'")]
    return []


def validate_loaded(result: LoadResult, today: date | None = None,
                    retired: RetiredDomains | None = None) -> list[Problem]:
    """Every problem of an already loaded knowledge base, reading problems first.

    `retired` is the retired-domain list of the freshness checks (the project's when not given).
    """
    today = today or date.today()
    retired = retired if retired is not None else load_retired_domains(DEFAULT_RETIRED_DOMAINS)
    entries = result.entries
    known_ids = {located.entry.id for located in entries}
    problems = list(result.problems) + list(retired.problems)
    problems += duplicate_ids(entries)
    problems += near_duplicate_questions(entries)
    for located in entries:
        problems += topic_placement(located)
        problems += entry_problems(located, known_ids, today)
        problems += [_problem(located, "warning", message) for message in freshness_problems(located.entry, retired)]
    return problems


def validate_path(path: Path, today: date | None = None) -> tuple[LoadResult, list[Problem]]:
    """Load and validate the knowledge file or folder at `path` (with the folder's retired-domain list)."""
    result = load_knowledge(path)
    return result, validate_loaded(result, today, load_retired_domains(retired_domains_file(path)))
