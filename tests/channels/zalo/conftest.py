"""Fixtures of the Zalo channel tests: the fake Zalo servers and a private SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.fake_zalo import FakeZalo, FakeZaloOa


@pytest.fixture
def fake_zalo() -> Iterator[FakeZalo]:
    """A fake Bot Platform API, fresh for each test."""
    with FakeZalo() as fake:
        yield fake


@pytest.fixture
def fake_zalo_oa() -> Iterator[FakeZaloOa]:
    """A fake Official Account API and OAuth server, fresh for each test."""
    with FakeZaloOa() as fake:
        yield fake


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a private SQLite database (the `engine` fixture migrates it); with Rasa down, the degraded mode
    only sends the busy reply (no retriever here)."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'zalo.db'}", degraded_answerer_wait_seconds=0)
