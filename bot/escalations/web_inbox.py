"""Messages waiting for a web-widget session (e.g. a team's answer), fetched by the widget after an id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from bot.db import get_engine
from bot.models import WebInboxMessage, utcnow

MAX_BATCH = 50


@dataclass(frozen=True)
class WebMessage:
    """One waiting message; `buttons` are `{"title", "payload"}` dicts like the chat API's."""

    id: int
    text: str
    buttons: list[dict]
    created_at: datetime


def queue_web_message(
    session_id: str, text: str, buttons: list[dict] | None = None, *, engine: Engine | None = None
) -> int:
    """Store a message for `session_id` and return its id (ids grow, so the widget asks for those after)."""
    with Session(engine or get_engine()) as session:
        message = WebInboxMessage(session_id=session_id, text=text, buttons=list(buttons or []))
        session.add(message)
        session.commit()
        return message.id


def web_messages_after(session_id: str, after_id: int, *, engine: Engine | None = None) -> list[WebMessage]:
    """The messages of `session_id` with an id above `after_id`, oldest first (at most 50)."""
    with Session(engine or get_engine()) as session:
        rows = session.scalars(
            select(WebInboxMessage)
            .where(WebInboxMessage.session_id == session_id, WebInboxMessage.id > after_id)
            .order_by(WebInboxMessage.id)
            .limit(MAX_BATCH)
        ).all()
        return [WebMessage(r.id, r.text, list(r.buttons or []), r.created_at) for r in rows]


def purge_web_messages(older_than_days: int, now: datetime | None = None, *, engine: Engine | None = None) -> int:
    """Delete messages older than `older_than_days`; return how many were deleted."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    with Session(engine or get_engine()) as session:
        deleted = session.execute(delete(WebInboxMessage).where(WebInboxMessage.created_at < cutoff)).rowcount
        session.commit()
        return int(deleted or 0)
