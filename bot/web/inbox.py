"""The web inbox: messages waiting for a web-widget session (e.g. a team's answer), fetched by the widget
after the last id it has (`GET /api/messages`, `GET /api/events`), kept `QUESTION_LOG_RETENTION_DAYS`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from bot.db import rows_affected
from bot.messages import Message
from bot.models import WebInboxMessage, utcnow

MAX_BATCH = 50


@dataclass(frozen=True)
class WebMessage:
    """One waiting message, with the id the widget resumes after."""

    id: int
    message: Message
    created_at: datetime


def queue_web_message(engine: Engine, session_id: str, message: Message) -> int:
    """Store `message` for `session_id` and return its id (ids grow, so the widget asks for those after)."""
    with Session(engine) as session:
        row = WebInboxMessage(session_id=session_id, text=message.text,
                              buttons=[button.to_dict() for button in message.buttons])
        session.add(row)
        session.commit()
        return row.id


def web_messages_after(engine: Engine, session_id: str, after_id: int) -> list[WebMessage]:
    """The messages of `session_id` with an id above `after_id`, oldest first (at most `MAX_BATCH`)."""
    with Session(engine) as session:
        rows = session.scalars(
            select(WebInboxMessage)
            .where(WebInboxMessage.session_id == session_id, WebInboxMessage.id > after_id)
            .order_by(WebInboxMessage.id)
            .limit(MAX_BATCH)
        ).all()
        return [WebMessage(r.id, Message.from_dict({"text": r.text, "buttons": r.buttons}), r.created_at)
                for r in rows]


def purge_web_messages(engine: Engine, older_than_days: int, now: datetime | None = None) -> int:
    """Delete messages older than `older_than_days`; return how many were deleted."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    with Session(engine) as session:
        deleted = rows_affected(session.execute(delete(WebInboxMessage).where(WebInboxMessage.created_at < cutoff)))
        session.commit()
        return deleted
