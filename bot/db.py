"""Database engines shared by every part of the project, and the errors meaning the database is unreachable."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_LOCK_KEY = 7_410_207
"""PostgreSQL advisory lock key taken while migrating, so that processes starting together take turns."""

DATABASE_UNREACHABLE_ERRORS = (OperationalError, InterfaceError, PoolTimeoutError)
"""Exceptions meaning the database cannot be reached right now (down, refusing connections, pool exhausted)."""


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite files get their folder created, WAL mode and foreign keys on."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=4)
def get_engine(url: str) -> Engine:
    """The process-wide engine for `url` (one connection pool per database and process)."""
    return make_engine(url)


def rows_affected(result: Result[Any]) -> int:
    """The number of rows an UPDATE or DELETE changed (what conditional transitions count on).

    `Session.execute` returns a `CursorResult` for such statements, typed only as `Result`; anything else is a
    programming error, hence the TypeError.
    """
    if not isinstance(result, CursorResult):
        raise TypeError(f"{type(result).__name__} has no row count: execute an UPDATE or DELETE")
    return int(result.rowcount)


def database_is_ready(engine: Engine) -> bool:
    """True when a trivial query succeeds."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """For a SQLite file, an exclusive lock file held around the whole migration (commit included)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def migrate(engine: Engine) -> None:
    """Bring the database schema to the latest Alembic revision (safe to call from several processes at once).

    Processes take turns: a PostgreSQL advisory lock held until the migration commits, or a lock file for SQLite.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with _sqlite_file_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
