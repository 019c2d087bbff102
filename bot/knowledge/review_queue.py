"""The entries due for review, most-used first: what the provincial ICT department should re-check next.

An entry is due when its `review_by` is past or within `DUE_SOON_DAYS`, when it has no `review_by`, or when it has
no `review_note`. Its traffic is the number of questions the assistant answered with it (decision `answer`, the
entry's own id or one merged into it) in the last `TRAFFIC_DAYS` days of the question log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.knowledge.stats import DUE_SOON_DAYS
from bot.knowledge.store import LocatedEntry
from bot.models import QuestionLog

TRAFFIC_DAYS = 30
ANSWERED = "answer"
"""The question-log decision of a question answered with an entry."""


@dataclass(frozen=True)
class DueEntry:
    """An entry due for review, why, and how many citizens it answered lately."""

    located: LocatedEntry
    answered: int
    overdue: bool
    """`review_by` is past (or missing)."""
    due_soon: bool
    """`review_by` is today or within the next `DUE_SOON_DAYS`."""
    missing_note: bool


def answered_counts(engine: Engine, since: datetime) -> dict[str, int]:
    """Questions answered per entry id in the question log since `since`."""
    query = (select(QuestionLog.entry_id, func.count())
             .where(QuestionLog.decision == ANSWERED, QuestionLog.entry_id.is_not(None),
                    QuestionLog.created_at >= since)
             .group_by(QuestionLog.entry_id))
    with Session(engine) as session:
        return {entry_id: int(count) for entry_id, count in session.execute(query) if entry_id is not None}


def is_due(located: LocatedEntry, today: date) -> bool:
    """Whether the entry needs a review now (see the module's rule)."""
    entry = located.entry
    return (not entry.review_note or entry.review_by is None
            or entry.review_by <= today + timedelta(days=DUE_SOON_DAYS))


def review_queue(entries: Iterable[LocatedEntry], counts: dict[str, int], today: date) -> list[DueEntry]:
    """The due entries, most answered first, then the most urgent review date, then by id."""
    due = []
    for located in entries:
        if not is_due(located, today):
            continue
        entry = located.entry
        answered = counts.get(entry.id, 0) + sum(counts.get(merged, 0) for merged in entry.merged_ids)
        overdue = entry.review_by is None or entry.review_by < today
        soon = not overdue and entry.review_by <= today + timedelta(days=DUE_SOON_DAYS)  # type: ignore[operator]
        due.append(DueEntry(located, answered, overdue, soon, not entry.review_note))
    return sorted(due, key=lambda d: (-d.answered, d.located.entry.review_by or date.min, d.located.entry.id))


def due_for_review(engine: Engine, entries: Iterable[LocatedEntry], now: datetime, today: date) -> list[DueEntry]:
    """The review queue as of `now` (UTC, for the question log) and `today` (local, for review dates)."""
    return review_queue(entries, answered_counts(engine, now - timedelta(days=TRAFFIC_DAYS)), today)
