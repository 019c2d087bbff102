"""Background upkeep run by the gateway: migrations once the database answers, outbox replay, retention purge
(question log, feedback, widget messages and Rasa's stored conversations)."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from bot.db import DATABASE_UNREACHABLE_ERRORS, get_engine, migrate
from bot.escalations.intake import replay_outbox
from bot.models import utcnow
from bot.questionlog import purge_expired
from bot.rasa_endpoints import conversation_store_url, purge_idle_conversations
from bot.settings import Settings
from bot.web.inbox import purge_web_messages

log = logging.getLogger(__name__)
PURGE_EVERY_SECONDS = 24 * 3600


def try_migrate(engine: Engine) -> bool:
    """Run the migrations; False (after a warning) when the database is unreachable."""
    try:
        migrate(engine)
        return True
    except DATABASE_UNREACHABLE_ERRORS:
        log.warning("database unreachable: migrations will be retried")
        return False


def purge_retained(engine: Engine, settings: Settings, now: datetime | None = None) -> int:
    """Delete questions, feedback and waiting web messages older than `QUESTION_LOG_RETENTION_DAYS`;
    return the number of rows deleted."""
    now = now or utcnow()
    days = settings.question_log_retention_days
    return purge_expired(engine, days, now) + purge_web_messages(engine, days, now)


def purge_conversations(settings: Settings, now: datetime | None = None) -> int:
    """Delete Rasa's stored conversations idle for more than `QUESTION_LOG_RETENTION_DAYS`; return the events
    deleted. A SQLite store not created yet is left alone."""
    url = conversation_store_url(settings)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return 0
    return purge_idle_conversations(get_engine(url), settings.question_log_retention_days, now or utcnow())


async def upkeep_loop(engine: Engine, settings: Settings, migrated: bool) -> None:
    """Forever: migrate if not done yet, replay the outbox, purge expired rows and idle conversations once a day."""
    last_purge = 0.0
    while True:
        try:
            migrated = migrated or await asyncio.to_thread(try_migrate, engine)
            if migrated:
                await asyncio.to_thread(replay_outbox, engine, settings)
                if time.monotonic() - last_purge > PURGE_EVERY_SECONDS:
                    await asyncio.to_thread(purge_retained, engine, settings)
                    await asyncio.to_thread(purge_conversations, settings)
                    last_purge = time.monotonic()
        except DATABASE_UNREACHABLE_ERRORS:
            log.warning("database unreachable during upkeep; retrying later")
        await asyncio.sleep(settings.outbox_replay_interval_seconds)
