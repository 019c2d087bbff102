"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.db import make_engine, migrate
from bot.settings import Settings
from tests.processes import RunningAssistant


@pytest.fixture(scope="session")
def assistant() -> Iterator[RunningAssistant]:
    """One real `trolyso run` (Rasa + action server + gateway) shared by the end-to-end tests."""
    running = RunningAssistant()
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
