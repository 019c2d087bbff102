"""Database fixtures: every database test runs on SQLite and on a throwaway local PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.escalations.workflow import Workflow
from bot.settings import Settings
from tests.postgres_server import PostgresServer, find_bin_dir


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    """One PostgreSQL server for the session; None when PostgreSQL is not installed."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        yield None
        return
    server = PostgresServer(bin_dir)
    server.start()
    yield server
    server.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'trolyso.db'}"
    server = request.getfixturevalue("postgres_server")
    if server is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl, postgres) not found: install Debian's postgresql package")
    return server.create_database()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the test database and a private outbox, with a fixed pseudonym key."""
    return Settings(
        database_url=db_url,
        escalation_outbox_path=tmp_path / "outbox" / "escalations.jsonl",
        pseudonym_key="test-key",
    )


@pytest.fixture
def workflow(engine: Engine, settings: Settings) -> Workflow:
    """The workflow over the test database and the sample province."""
    return Workflow(engine, settings)
