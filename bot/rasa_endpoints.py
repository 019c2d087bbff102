"""The Rasa endpoints file `trolyso run` generates from the project settings: where each Rasa replica finds its
action server, keeps its conversations (SQL tracker store) and locks them (Redis lock store).

Rasa 3.6 reads its stores only from an endpoints file. The file is written under `var/rasa/`, named after the
hash of its content (so two `trolyso run` with different settings never overwrite each other's), readable only
by its owner (it may hold database and Redis passwords). The action server's URL is left as
`${ACTION_ENDPOINT_URL}`, which Rasa expands from each replica's environment (`action_endpoint_env`), so every
replica shares one file.

Both stores are Rasa's own, slightly changed (`rasa_stores/`): the tracker store checks its connections (Rasa's
own one reads a conversation as new after PostgreSQL restarts) and the Redis lock store updates atomically
(Rasa's own one lets two replicas handle two messages of one conversation at the same time).

The Rasa environment has SQLAlchemy 1.4 and psycopg2, so PostgreSQL URLs written for the project's psycopg 3
driver (`postgresql+psycopg://`) are given to Rasa as `postgresql+psycopg2://`.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import Engine, column, delete, func, inspect, select, table

from bot.settings import Settings

ACTION_ENDPOINT_VARIABLE = "ACTION_ENDPOINT_URL"
RASA_POSTGRES_DRIVER = "postgresql+psycopg2"
DEFAULT_TRACKER_FILE = "rasa-tracker.db"
RASA_EVENTS_TABLE = "events"
"""The table of Rasa's SQL tracker store: one row per event (`sender_id`, `timestamp` in Unix seconds, ...)."""
ATOMIC_REDIS_LOCK_STORE = "rasa_stores.redis_lock_store.AtomicRedisLockStore"
"""Rasa's Redis lock store made safe for several replicas (`rasa_stores/redis_lock_store.py`)."""
RECONNECTING_SQL_TRACKER_STORE = "rasa_stores.sql_tracker_store.ReconnectingSQLTrackerStore"
"""Rasa's SQL tracker store that survives a database restart (`rasa_stores/sql_tracker_store.py`)."""


def is_postgresql(url: str) -> bool:
    """True for a PostgreSQL SQLAlchemy URL, whatever its driver."""
    scheme = url.split("://", 1)[0].lower()
    return scheme in {"postgres", "postgresql"} or scheme.startswith("postgresql+")


def conversation_store_url(settings: Settings) -> str:
    """The SQLAlchemy URL of the conversation store, as the project writes it: TRACKER_STORE_URL, else the
    PostgreSQL database of DATABASE_URL, else SQLite `var/rasa-tracker.db`."""
    if settings.tracker_store_url is not None:
        return settings.tracker_store_url
    if is_postgresql(settings.database_url):
        return settings.database_url
    return f"sqlite:///{settings.var_dir / DEFAULT_TRACKER_FILE}"


def tracker_store_url(settings: Settings) -> str:
    """`conversation_store_url` for Rasa's SQLAlchemy 1.4: PostgreSQL through psycopg2."""
    url = conversation_store_url(settings)
    if is_postgresql(url):
        return f"{RASA_POSTGRES_DRIVER}://{url.split('://', 1)[1]}"
    return url


def purge_idle_conversations(engine: Engine, retention_days: int, now: datetime) -> int:
    """Delete every stored conversation (all its events in Rasa's `events` table) whose last event is older than
    `retention_days` before `now`, so that what citizens typed is not kept longer than the question log;
    return the events deleted (0 when Rasa has not created its table yet). Whole conversations only: Rasa
    rebuilds a conversation from its events, a partial one would be read wrongly."""
    if not inspect(engine).has_table(RASA_EVENTS_TABLE):
        return 0
    events = table(RASA_EVENTS_TABLE, column("sender_id"), column("timestamp"))
    cutoff = (now - timedelta(days=retention_days)).timestamp()
    idle = (select(events.c.sender_id).group_by(events.c.sender_id)
            .having(func.max(events.c.timestamp) < cutoff).scalar_subquery())
    with engine.begin() as connection:
        return int(connection.execute(delete(events).where(events.c.sender_id.in_(idle))).rowcount)


def _quoted(value: str | int | bool) -> str:
    """A YAML scalar Rasa reads literally: JSON strings are YAML double-quoted scalars, never expanded as
    `${...}` (Rasa expands environment variables in plain scalars only)."""
    return json.dumps(value)


def lock_store_lines(redis_url: str) -> list[str]:
    """The `lock_store:` section for a Redis URL `redis[s]://[user[:password]@]host[:port][/db]`."""
    parts = urlsplit(redis_url)
    database = parts.path.strip("/")
    lines = [
        "lock_store:",
        f'  type: {_quoted(ATOMIC_REDIS_LOCK_STORE)}',
        f"  url: {_quoted(parts.hostname or 'localhost')}",
        f"  port: {parts.port or 6379}",
        f"  db: {int(database) if database else 0}",
        f"  use_ssl: {_quoted(parts.scheme == 'rediss')}",
        '  key_prefix: "trolyso"',
    ]
    if parts.username:
        lines.append(f"  username: {_quoted(unquote(parts.username))}")
    if parts.password:
        lines.append(f"  password: {_quoted(unquote(parts.password))}")
    return lines


def endpoints_text(settings: Settings) -> str:
    """The endpoints file for `settings`: the action endpoint, the SQL tracker store, and the Redis lock store
    when REDIS_URL is set (else Rasa's in-memory lock store, enough for one replica)."""
    url = tracker_store_url(settings)
    lines = [
        "# Generated by `trolyso run` from the project settings (bot/rasa_endpoints.py); do not edit.",
        "action_endpoint:",
        f"  url: ${{{ACTION_ENDPOINT_VARIABLE}}}",
        "tracker_store:",
        f'  type: {_quoted(RECONNECTING_SQL_TRACKER_STORE)}',
        f"  dialect: {_quoted('postgresql' if is_postgresql(url) else 'sqlite')}",
        f"  url: {_quoted(url)}",
    ]
    if settings.redis_url:
        lines += lock_store_lines(settings.redis_url)
    return "\n".join(lines) + "\n"


def endpoints_path(settings: Settings) -> Path:
    """Where `trolyso run` writes the endpoints file for `settings`: `var/rasa/endpoints-<hash of content>.yml`."""
    digest = hashlib.sha256(endpoints_text(settings).encode()).hexdigest()[:12]
    return settings.var_dir / "rasa" / f"endpoints-{digest}.yml"


def write_endpoints(settings: Settings, path: Path | None = None) -> Path:
    """Write the endpoints file for `settings` at `path` (default `var/rasa/endpoints-<hash of content>.yml`),
    atomically and readable by its owner only; return its path. `var/` is created too (the default SQLite
    tracker store lives there)."""
    text = endpoints_text(settings)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    if path is None:
        path = endpoints_path(settings)
        if path.exists():
            return path
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as output:
        output.write(text)
    temporary.replace(path)
    return path


def action_endpoint_env(host: str, port: int) -> dict[str, str]:
    """The environment telling one Rasa replica where its action server is."""
    return {ACTION_ENDPOINT_VARIABLE: f"http://{host}:{port}/webhook"}
