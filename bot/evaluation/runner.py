"""Runs question sets through the assistant's reading of messages, as the conversation layer answers them:
each question alone, each in-scope question as the second message of a conversation, and two-message
conversations with their context errors."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.conversation.followup import PreviousQuestion
from bot.conversation.reading import Reading, read_message
from bot.evaluation.headline import Headline, Judged, headline, judge
from bot.retrieval.evaluation import EvalQuery
from bot.retrieval.question_sets import QuestionSet
from bot.retrieval.retriever import Retriever

SEED = 20261204


@dataclass(frozen=True)
class Conversation:
    """Two consecutive messages of one citizen; `expected` is for the second."""

    first: str
    first_expected: tuple[str, ...] | None
    second: str
    expected: tuple[str, ...] | None
    kind: str
    """`standalone` (the second must be read alone) or `followup` (it needs the first)."""


def load_conversations(path: Path) -> list[Conversation]:
    """Read `{"first", "first_expected", "second", "expected", "kind"}` lines; ValueError on a bad line."""
    conversations = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            if r["kind"] not in ("standalone", "followup"):
                raise ValueError(f"unknown kind {r['kind']!r}")
            conversations.append(Conversation(
                str(r["first"]), tuple(r["first_expected"]) if r.get("first_expected") else None,
                str(r["second"]), tuple(r["expected"]) if r["expected"] is not None else None, r["kind"]))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}:{number}: not a conversation line ({exc})") from exc
    return conversations


def _timed_read(retriever: Retriever, text: str, previous: PreviousQuestion | None) -> tuple[Reading, float]:
    start = time.perf_counter()
    reading = read_message(retriever, text, previous)
    return reading, time.perf_counter() - start


def _after(reading: Reading, expected: tuple[str, ...] | None, retriever: Retriever) -> PreviousQuestion:
    """What the conversation remembers after a first message: its answer, or the choice the citizen would tap
    (the expected entry when it was offered), else only the text."""
    entry_id = reading.answered[0] if reading.answered else None
    if entry_id is None and reading.decision == "clarify" and expected:
        offered = [c.entry_id for c in reading.result.chosen]
        entry_id = next((e for e in offered if any(retriever.entries[e].answers_for(x) for x in expected)), None)
    entry = retriever.entries.get(entry_id) if entry_id else None
    return PreviousQuestion(reading.text, entry.id if entry else None, entry.question if entry else None)


def judge_alone(retriever: Retriever, queries: Sequence[EvalQuery]) -> tuple[list[Judged], list[Reading]]:
    """Every question asked as the first message of a conversation, and the readings."""
    judged, readings = [], []
    for query in queries:
        reading, seconds = _timed_read(retriever, query.query, None)
        judged.append(judge(query.query, query.expected, reading, seconds, retriever.entries))
        readings.append(reading)
    return judged, readings


def judge_second(retriever: Retriever, queries: Sequence[EvalQuery], alone: Sequence[Reading]) -> list[Judged]:
    """Every question asked right after another question of the same set (in a fixed random order); `alone`
    holds each question's reading as a first message."""
    order = list(range(len(queries)))
    random.Random(SEED).shuffle(order)
    judged = []
    for position, index in enumerate(order):
        first = queries[order[position - 1]]
        previous = _after(alone[order[position - 1]], first.expected, retriever)
        query = queries[index]
        reading, seconds = _timed_read(retriever, query.query, previous)
        judged.append(judge(query.query, query.expected, reading, seconds, retriever.entries))
    return judged


@dataclass(frozen=True)
class ConversationReport:
    """Two-message conversations: context errors and the second message's headline."""

    n: int
    standalone_read_as_followup: float
    followup_read_alone: float
    context_errors: float
    second: Headline


def judge_conversations(retriever: Retriever, conversations: Sequence[Conversation]) -> ConversationReport:
    """Read each first message, then the second one in its context, and count the context errors."""
    judged, errors = [], {"standalone": 0, "followup": 0}
    counts = {"standalone": 0, "followup": 0}
    for conversation in conversations:
        first = read_message(retriever, conversation.first, None)
        previous = _after(first, conversation.first_expected, retriever)
        reading, seconds = _timed_read(retriever, conversation.second, previous)
        counts[conversation.kind] += 1
        used = reading.resolution.context_used
        errors[conversation.kind] += used if conversation.kind == "standalone" else not used
        judged.append(judge(conversation.second, conversation.expected, reading, seconds, retriever.entries))
    n = len(conversations)
    in_scope = [j for j in judged if j.in_scope]
    return ConversationReport(n, _share(errors["standalone"], counts["standalone"]),
                              _share(errors["followup"], counts["followup"]),
                              _share(errors["standalone"] + errors["followup"], n), headline(in_scope))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass
class SetReport:
    """Every figure of one question set."""

    name: str
    purpose: str
    groups: dict[str, Headline] = field(default_factory=dict)
    """Group name → headline (`in_scope`, `in_scope_second` for in-scope questions asked second, ...)."""
    conversations: ConversationReport | None = None
    latencies_ms: list[float] = field(default_factory=list)


def run_groups(name: str, purpose: str, groups: dict[str, list[EvalQuery]], conversations: Path | None,
               retriever: Retriever, second: bool = True) -> SetReport:
    """Every group alone, the in-scope group also asked second, and the conversations if any."""
    report = SetReport(name, purpose)
    for group, queries in groups.items():
        judged, readings = judge_alone(retriever, queries)
        report.groups[group] = headline(judged)
        report.latencies_ms += [j.seconds * 1000 for j in judged]
        if group == "in_scope" and second:
            report.groups["in_scope_second"] = headline(judge_second(retriever, queries, readings))
    if conversations is not None:
        report.conversations = judge_conversations(retriever, load_conversations(conversations))
    return report


def run_set(question_set: QuestionSet, retriever: Retriever, second: bool = True) -> SetReport:
    """`run_groups` over one question set of `config/question_sets.yml`."""
    groups = {group: question_set.questions(group) for group in question_set.groups}
    return run_groups(question_set.name, question_set.purpose, groups, question_set.conversations, retriever,
                      second)
