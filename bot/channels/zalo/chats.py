"""What the Zalo channel keeps of each chat in the database, so that every process sees the same: the options
offered last (a team's answer sent by the gateway is rated by a number the Zalo process reads), and an Official
Account follower's reply window. Blocking: call it from a worker thread in async code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import rows_affected
from bot.limits import ZALO_OA_REPLIES_PER_WINDOW, ZALO_OA_REPLY_WINDOW_HOURS
from bot.messages import Button
from bot.models import ZaloChat, utcnow

OPTIONS_VALID_FOR = timedelta(days=1)
"""How long offered options can be picked by number: a citizen who comes back later starts afresh."""


def _row(session: Session, chat_id: str) -> ZaloChat:
    row = session.get(ZaloChat, chat_id)
    if row is None:
        row = ZaloChat(chat_id=chat_id, options=[], replies_in_window=0)
        session.add(row)
    return row


def _save(engine: Engine, chat_id: str, change: Callable[[ZaloChat], None]) -> None:
    """Apply `change(row)` to the chat's row (created if missing; a concurrent creation is retried once)."""
    for attempt in (1, 2):
        try:
            with Session(engine) as session:
                change(_row(session, chat_id))
                session.commit()
                return
        except IntegrityError:
            if attempt == 2:
                raise


def remember_options(engine: Engine, chat_id: str, options: list[Button], now: datetime | None = None) -> None:
    """The options just offered to the chat, in their numbered order (an empty list: none is on offer now)."""
    stored = [option.to_dict() for option in options]
    when = now or utcnow()

    def change(row: ZaloChat) -> None:
        row.options = stored
        row.options_at = when

    _save(engine, chat_id, change)


def offered_options(engine: Engine, chat_id: str, now: datetime | None = None) -> list[Button]:
    """The options offered to the chat last, if that was less than `OPTIONS_VALID_FOR` ago."""
    with Session(engine) as session:
        row = session.get(ZaloChat, chat_id)
        if row is None or row.options_at is None or row.options_at < (now or utcnow()) - OPTIONS_VALID_FOR:
            return []
        return [Button.from_dict(raw) for raw in row.options if isinstance(raw, dict)]


def open_reply_window(engine: Engine, chat_id: str, now: datetime | None = None) -> None:
    """A follower of the Official Account just wrote: a new reply window starts."""
    when = now or utcnow()

    def change(row: ZaloChat) -> None:
        row.last_inbound_at = when
        row.replies_in_window = 0

    _save(engine, chat_id, change)


def take_reply_slots(engine: Engine, chat_id: str, count: int, now: datetime | None = None) -> bool:
    """Count `count` messages against the follower's reply window; False (nothing counted) when the window has
    closed or would be exceeded: the Official Account may only reply within `ZALO_OA_REPLY_WINDOW_HOURS` of the
    follower's last message, at most `ZALO_OA_REPLIES_PER_WINDOW` times."""
    opened_after = (now or utcnow()) - timedelta(hours=ZALO_OA_REPLY_WINDOW_HOURS)
    with Session(engine) as session:
        result = session.execute(
            update(ZaloChat)
            .where(ZaloChat.chat_id == chat_id, ZaloChat.last_inbound_at.is_not(None),
                   ZaloChat.last_inbound_at >= opened_after,
                   ZaloChat.replies_in_window + count <= ZALO_OA_REPLIES_PER_WINDOW)
            .values(replies_in_window=ZaloChat.replies_in_window + count)
        )
        session.commit()
        return rows_affected(result) == 1
