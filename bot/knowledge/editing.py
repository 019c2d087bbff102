"""Writing one entry into its knowledge file from the dashboard: validated, atomic, published to the assistants.

Only the entry's own block of the file is replaced (or a block is appended), so the other entries keep
their hand-made formatting and comments. The whole knowledge base is validated with the change in place
(the same checks as `trolyso kb validate`); a change that would add any error is refused.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.knowledge.freshness import load_retired_domains, retired_domains_file
from bot.knowledge.live import publish_change
from bot.knowledge.schema import TOPIC_FILES, KnowledgeEntry
from bot.knowledge.store import LoadResult, LocatedEntry, Problem, dump_entries, load_knowledge, parse_entries
from bot.knowledge.validate import validate_loaded
from bot.settings import Settings

_LINE_REFERENCE = re.compile(r":\d+")


@dataclass(frozen=True)
class SaveResult:
    """The outcome of a save: written (with its revision), or refused with the errors it would add."""

    saved: bool
    file: Path | None = None
    revision: int | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def file_for_topic(knowledge_dir: Path, topic: str) -> Path | None:
    """The curated file of `topic`, or None for a topic without one."""
    name = next((file for file, file_topic in TOPIC_FILES.items() if file_topic == topic), None)
    return knowledge_dir / name if name else None


@contextmanager
def knowledge_lock(settings: Settings, knowledge_dir: Path) -> Iterator[None]:
    """An exclusive lock (a file under var/) held while one writer reads, checks and writes the knowledge files."""
    digest = hashlib.sha256(str(knowledge_dir.resolve()).encode()).hexdigest()[:12]
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.var_dir / f"knowledge-{digest}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def splice_entry(text: str, file_entries: list[LocatedEntry], entry: KnowledgeEntry) -> str:
    """`text` with the block of `entry.id` replaced by `entry`, or with `entry` appended.

    Blank lines and comments just before the next entry stay where they are.
    """
    block = dump_entries([entry])
    lines = text.splitlines(keepends=True)
    starts = sorted(located.line - 1 for located in file_entries)
    current = next((located for located in file_entries if located.entry.id == entry.id), None)
    if current is None:
        body = text.rstrip("\n")
        return f"{body}\n\n{block}" if body else block
    start = current.line - 1
    end = next((s for s in starts if s > start), len(lines))
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return "".join(lines[:start]) + block + "".join(lines[end:])


def _key(problem: Problem) -> tuple[str, str, str | None, str]:
    """A problem without its line numbers, to compare the problems before and after a change."""
    return problem.severity, Path(problem.file).name, problem.entry_id, _LINE_REFERENCE.sub("", problem.message)


def _write_atomically(path: Path, text: str) -> None:
    draft = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(draft, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(draft, path)


def save_entry(entry: KnowledgeEntry, *, actor: str, action: str, engine: Engine, settings: Settings,
               today: date | None = None) -> SaveResult:
    """Write `entry` (new or changed) to its file and publish it to the running assistants.

    New entries go to the curated file of their topic; existing ones stay in their file and keep their
    topic. Refused (nothing written) when the change would add a validation error.
    """
    knowledge_dir = settings.knowledge_dir
    with knowledge_lock(settings, knowledge_dir):
        before = load_knowledge(knowledge_dir)
        current = next((located for located in before.entries if located.entry.id == entry.id), None)
        if current is not None and current.entry.topic != entry.topic:
            message = f"an existing entry keeps its topic '{current.entry.topic}'"
            return SaveResult(False, errors=[Problem("error", current.file, message, entry.id, current.line)])
        target = Path(current.file) if current else file_for_topic(knowledge_dir, entry.topic)
        if target is None:
            return SaveResult(False, errors=[Problem("error", str(knowledge_dir), f"unknown topic '{entry.topic}'",
                                                     entry.id)])
        old_text = target.read_text(encoding="utf-8") if target.exists() else ""
        file_entries = [located for located in before.entries if Path(located.file) == target]
        new_text = splice_entry(old_text, file_entries, entry)
        after = LoadResult([located for located in before.entries if Path(located.file) != target],
                           [p for p in before.problems if Path(p.file) != target])
        after.extend(parse_entries(new_text, str(target)))
        retired = load_retired_domains(retired_domains_file(knowledge_dir))
        problems = validate_loaded(after, today, retired)
        errors = [p for p in problems if p.severity == "error"]
        if errors:  # only errors this change adds count: the base may already have some
            known = {_key(p) for p in validate_loaded(before, today, retired)}
            errors = [p for p in errors if _key(p) not in known]
        warnings = [p for p in problems if p.severity == "warning" and p.entry_id == entry.id]
        if errors:
            return SaveResult(False, errors=errors, warnings=warnings)
        _write_atomically(target, new_text)
        try:
            with Session(engine) as session:
                revision = publish_change(session, actor, action, entry, target.name)
                session.commit()
        except BaseException:
            _write_atomically(target, old_text)
            raise
        return SaveResult(True, target, revision, warnings=warnings)
