"""Shared fixtures, and the markers `make test-unit` leaves out (`servers`, `slow`, besides `integration`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.db import make_engine, migrate
from bot.retrieval.decision import DecisionModel
from bot.retrieval.embedders import make_embedder
from bot.retrieval.service import decision_model_path
from bot.settings import Settings
from tests.decision_models import always
from tests.processes import RunningAssistant

TESTS = Path(__file__).resolve().parent
SERVER_FIXTURES = frozenset({"postgres_server", "fake_telegram", "fake_zalo", "fake_zalo_oa", "live"})
"""Fixtures that start a local server: PostgreSQL, the fake Telegram and Zalo APIs, the gateway served by uvicorn."""
SLOW_PATHS = ("retrieval/", "actions/", "dashboard/", "bench/", "conversation/test_answering.py",
              "conversation/test_followup.py")
"""Tests that load the embedding model, or sign in with argon2-hashed passwords, one test after the other."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that need a local server (`servers`) and the slow ones (`slow`)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("db_url") == "postgresql"
        if on_postgres or SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.servers)
        if item.path.resolve().relative_to(TESTS).as_posix().startswith(SLOW_PATHS):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def assistant() -> Iterator[RunningAssistant]:
    """One real `trolyso run` (Rasa + action server + gateway) shared by the end-to-end tests."""
    running = RunningAssistant()
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def choosing_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    """A real `trolyso run` whose decision always offers the three most probable entries as choices: the
    choice-list flow tested without depending on which questions the calibration finds ambiguous."""
    settings = Settings()
    calibrated = DecisionModel.load(decision_model_path(settings, make_embedder(settings).name))
    path = tmp_path_factory.mktemp("decision") / "always-choices.json"
    replace(calibrated, thresholds=always("clarify")).save(path)
    running = RunningAssistant({"RETRIEVAL_DECISION_MODEL": str(path)})
    running.start()
    yield running
    running.stop()


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """A migrated engine on the database of the test folder's own `settings` fixture."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    yield engine
    engine.dispose()
