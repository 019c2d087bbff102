"""Database engine and session factory shared by every part of the project."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import sessionmaker

from bot.settings import get_settings


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite files get their folder created, WAL mode and foreign keys on."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for `url` (default: the configured database)."""
    return make_engine(url or get_settings().database_url)


def session_factory(url: str | None = None) -> sessionmaker:
    """A session factory bound to the configured database."""
    return sessionmaker(get_engine(url), expire_on_commit=False)


def database_is_ready(engine: Engine) -> bool:
    """True when a trivial query succeeds."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
