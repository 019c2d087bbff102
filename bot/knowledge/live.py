"""Knowledge changes reach every running assistant without a restart.

The dashboard writes an approved or edited entry to its knowledge file (the source of truth) and, in the
same step, records the change in the database: a one-row revision counter is incremented and the entry
as written is kept with that revision (`publish_change`). Each assistant process holds a `KnowledgeSync`
around its retriever and calls `refresh_if_changed()` before answering: one primary-key read of the
counter; only when it moved are the new changes read and applied with `Retriever.upsert`. Every replica
catches up on its own, on any host that shares the database.

Writers increment the counter row inside their transaction, so they take turns on its row lock and
revisions become visible in order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import ValidationError
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.knowledge.schema import KnowledgeEntry
from bot.models import AuditLog, KnowledgeChange, KnowledgeRevision

log = logging.getLogger(__name__)
COUNTER_ID = 1


class Index(Protocol):
    """What is kept up to date: `bot.retrieval.retriever.Retriever`, or anything that takes entries."""

    def upsert(self, entry: KnowledgeEntry) -> None:
        """Add `entry`, or replace the entry with its id."""


def current_revision(engine: Engine) -> int:
    """The knowledge revision in the database (0 before any change)."""
    with Session(engine) as session:
        return int(session.scalar(select(KnowledgeRevision.revision).where(KnowledgeRevision.id == COUNTER_ID)) or 0)


def baseline_revision(engine: Engine) -> int | None:
    """`current_revision(engine)`, or None when the database cannot be read (the first refresh then sets the baseline).

    Read it before loading the knowledge files and pass it to `KnowledgeSync(since=...)`.
    """
    try:
        return current_revision(engine)
    except SQLAlchemyError as error:
        log.warning("knowledge revision unreadable at start (%s)", type(error).__name__)
        return None


def publish_change(session: Session, actor: str, action: str, entry: KnowledgeEntry, file: str) -> int:
    """Record a change of `entry` (as written to `file`) in the caller's transaction; return its revision.

    Also writes the audit log. The caller commits: the new revision becomes visible with its change.
    """
    session.execute(update(KnowledgeRevision).where(KnowledgeRevision.id == COUNTER_ID)
                    .values(revision=KnowledgeRevision.revision + 1))
    revision = session.scalar(select(KnowledgeRevision.revision).where(KnowledgeRevision.id == COUNTER_ID))
    if revision is None:
        raise RuntimeError("the knowledge revision counter is missing: run the migrations")
    session.add(KnowledgeChange(revision=revision, actor=actor, action=action, entry_id=entry.id, file=file,
                                entry=entry.model_dump(mode="json")))
    session.add(AuditLog(actor=actor, action=f"knowledge_{action}",
                         detail={"entry_id": entry.id, "file": file, "revision": revision}))
    return revision


@dataclass(frozen=True)
class SyncReport:
    """What one refresh did: the revision now applied and the entries added or replaced."""

    revision: int | None
    upserted: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the retriever's entries changed."""
        return bool(self.upserted)


class KnowledgeSync:
    """Keeps one process's retriever up to date with the knowledge changes made from the dashboard.

    Read the revision with `current_revision(engine)` *before* loading the knowledge files and pass it as `since`;
    without it, the first refresh takes the database's revision as the starting point. `on_change` is called
    after entries were applied (e.g. to refresh a vocabulary derived from the entries).
    """

    def __init__(self, retriever: Index, *, engine: Engine, since: int | None = None,
                 on_change: Callable[[SyncReport], None] | None = None) -> None:
        self.retriever = retriever
        self.revision = since
        self._engine = engine
        self._on_change = on_change
        self._lock = threading.Lock()
        self._failing = False

    def _read(self) -> tuple[int, list[KnowledgeChange]]:
        with Session(self._engine) as session:
            revision = int(session.scalar(
                select(KnowledgeRevision.revision).where(KnowledgeRevision.id == COUNTER_ID)) or 0)
            if self.revision is None or revision <= self.revision:
                return revision, []
            changes = session.scalars(select(KnowledgeChange).where(KnowledgeChange.revision > self.revision)
                                      .order_by(KnowledgeChange.revision)).all()
            return revision, list(changes)

    def refresh_if_changed(self) -> SyncReport:
        """Apply the changes made since the last refresh (cheap when there are none); never raises.

        A database that cannot be read is logged once and retried on the next call.
        """
        with self._lock:
            try:
                revision, changes = self._read()
            except SQLAlchemyError as error:
                if not self._failing:
                    log.warning("knowledge revision unreadable (%s); will retry", type(error).__name__)
                self._failing = True
                return SyncReport(self.revision)
            self._failing = False
            latest = {change.entry_id: change.entry for change in changes}
            upserted = []
            for entry_id, written in latest.items():
                try:
                    self.retriever.upsert(KnowledgeEntry.model_validate(written))
                    upserted.append(entry_id)
                except ValidationError:
                    log.error("knowledge change of %s is not a valid entry; skipped", entry_id)
            self.revision = max([revision, *(change.revision for change in changes)])
            report = SyncReport(self.revision, upserted)
        if report.changed:
            log.info("knowledge revision %d: %d entr%s updated live", report.revision, len(upserted),
                     "y" if len(upserted) == 1 else "ies")
            if self._on_change is not None:
                self._on_change(report)
        return report
