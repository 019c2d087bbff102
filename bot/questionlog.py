"""The question log (every question with its decision, for the FAQ-gap review) and answer feedback."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Engine, delete
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from bot.db import get_engine
from bot.escalations.web_inbox import purge_web_messages
from bot.models import Feedback, QuestionLog, utcnow
from bot.pseudonym import pseudonym
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)
MAX_TEXT_CHARS = 2000


def record_question(
    channel: str,
    sender_id: str,
    text: str,
    decision: str,
    entry_id: str | None,
    confidence: float,
    scores: dict,
    context_used: bool,
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
) -> int | None:
    """Log one question (the sender kept only as a keyed pseudonym); return its id.

    Returns None, after a warning, when the database is unreachable: logging must never break a reply.
    """
    settings = settings or get_settings()
    row = QuestionLog(
        channel=channel,
        sender=pseudonym(channel, sender_id, settings),
        text=text[:MAX_TEXT_CHARS],
        decision=decision,
        entry_id=entry_id,
        confidence=float(confidence),
        scores={str(k): v for k, v in scores.items()},
        context_used=context_used,
    )
    try:
        with Session(engine or get_engine(settings.database_url)) as session:
            session.add(row)
            session.commit()
            return row.id
    except (OperationalError, InterfaceError):
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
    engine: Engine | None = None,
    settings: Settings | None = None,
) -> None:
    """Store a 👍/👎 on an answer of the assistant (`question_id`, `entry_id`) or of a team (`ticket_code`).

    Raises ValueError for a rating other than "good"/"bad"; a database outage is logged, not raised.
    """
    if rating not in ("good", "bad"):
        raise ValueError(f"rating must be 'good' or 'bad', not {rating!r}")
    settings = settings or get_settings()
    row = Feedback(
        question_id=question_id,
        entry_id=entry_id,
        ticket_code=ticket_code,
        rating=rating,
        channel=channel,
        sender=pseudonym(channel, sender_id, settings),
    )
    try:
        with Session(engine or get_engine(settings.database_url)) as session:
            session.add(row)
            session.commit()
    except (OperationalError, InterfaceError):
        log.warning("database unreachable: a feedback was not stored")


def purge_expired(
    now: datetime | None = None, *, engine: Engine | None = None, settings: Settings | None = None
) -> int:
    """Delete questions, feedback and waiting web messages older than `QUESTION_LOG_RETENTION_DAYS`.

    Returns the number of rows deleted.
    """
    settings = settings or get_settings()
    engine = engine or get_engine(settings.database_url)
    now = now or utcnow()
    cutoff = now - timedelta(days=settings.question_log_retention_days)
    with Session(engine) as session:
        deleted = session.execute(delete(Feedback).where(Feedback.created_at < cutoff)).rowcount or 0
        deleted += session.execute(delete(QuestionLog).where(QuestionLog.created_at < cutoff)).rowcount or 0
        session.commit()
    return int(deleted) + purge_web_messages(settings.question_log_retention_days, now, engine=engine)
