"""Fixtures of the Telegram channel tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_telegram import FakeTelegram


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """A fake Bot API server, fresh for each test."""
    with FakeTelegram() as fake:
        yield fake
