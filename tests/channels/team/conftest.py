"""Fixtures of the team-group tests: the channel application in-process on a migrated SQLite database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.channels.telegram.app import build_application
from bot.escalations.workflow import Workflow
from bot.models import utcnow
from bot.settings import Settings
from tests.channels.team.desk import Clock, Desk, team_settings
from tests.fake_telegram import FakeTelegram


@pytest.fixture
def settings(fake_telegram: FakeTelegram, tmp_path: Path) -> Settings:
    """Settings for the fake Bot API and a private SQLite database."""
    return team_settings(fake_telegram, tmp_path)


@pytest.fixture
async def desk(settings: Settings, engine: Engine, fake_telegram: FakeTelegram) -> AsyncIterator[Desk]:
    """The channel application, initialised, whose workflow reads the test's clock (starting now)."""
    clock = Clock(utcnow())
    workflow = Workflow(engine, settings, clock=clock)
    application, handlers = build_application(settings, workflow)
    async with application:
        yield Desk(application, handlers, fake_telegram, workflow, engine, settings, clock)
    assert handlers.team is not None
    await handlers.team.outbound.aclose()
    await handlers.rasa.aclose()
