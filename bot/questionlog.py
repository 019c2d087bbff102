"""The question log (every question with its decision, for the FAQ-gap review) and answer feedback."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from bot.db import DATABASE_UNREACHABLE_ERRORS, rows_affected
from bot.limits import STORED_QUESTION_CHARS
from bot.models import Feedback, QuestionLog
from bot.pseudonym import pseudonym
from bot.settings import Settings

log = logging.getLogger(__name__)


def record_question(
    channel: str,
    sender_id: str,
    text: str,
    decision: str,
    entry_id: str | None,
    confidence: float,
    scores: dict[str, Any],
    context_used: bool,
    *,
    engine: Engine,
    settings: Settings,
) -> int | None:
    """Log one question (the sender kept only as a keyed pseudonym); return its id.

    Returns None, after a warning, when the database is unreachable: logging must never break a reply.
    """
    row = QuestionLog(
        channel=channel,
        sender=pseudonym(channel, sender_id, settings),
        text=text[:STORED_QUESTION_CHARS],
        decision=decision,
        entry_id=entry_id,
        confidence=float(confidence),
        scores={str(k): v for k, v in scores.items()},
        context_used=context_used,
    )
    try:
        with Session(engine) as session:
            session.add(row)
            session.commit()
            return row.id
    except DATABASE_UNREACHABLE_ERRORS:
        log.warning("database unreachable: a question was not logged")
        return None


def record_feedback(
    question_id: int | None,
    entry_id: str | None,
    rating: Literal["good", "bad"],
    channel: str,
    sender_id: str,
    *,
    ticket_code: str | None = None,
    engine: Engine,
    settings: Settings,
) -> None:
    """Store a 👍/👎 on an answer of the assistant (`question_id`, `entry_id`) or of a team (`ticket_code`).

    Without `entry_id`, the entry is the one the logged question was answered with. Raises ValueError for a rating
    other than "good"/"bad"; a database outage is logged, not raised.
    """
    if rating not in ("good", "bad"):
        raise ValueError(f"rating must be 'good' or 'bad', not {rating!r}")
    try:
        with Session(engine) as session:
            if entry_id is None and question_id is not None:
                entry_id = session.scalar(select(QuestionLog.entry_id).where(QuestionLog.id == question_id))
            row = Feedback(
                question_id=question_id,
                entry_id=entry_id,
                ticket_code=ticket_code,
                rating=rating,
                channel=channel,
                sender=pseudonym(channel, sender_id, settings),
            )
            session.add(row)
            session.commit()
    except DATABASE_UNREACHABLE_ERRORS:
        log.warning("database unreachable: a feedback was not stored")


def purge_expired(engine: Engine, retention_days: int, now: datetime) -> int:
    """Delete questions and feedback older than `retention_days` before `now`; return the rows deleted."""
    cutoff = now - timedelta(days=retention_days)
    with Session(engine) as session:
        deleted = rows_affected(session.execute(delete(Feedback).where(Feedback.created_at < cutoff)))
        deleted += rows_affected(session.execute(delete(QuestionLog).where(QuestionLog.created_at < cutoff)))
        session.commit()
    return deleted
