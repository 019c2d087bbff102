"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.processes import RunningAssistant


@pytest.fixture(scope="session")
def assistant() -> Iterator[RunningAssistant]:
    """One real `trolyso run` (Rasa + action server + gateway) shared by the end-to-end tests."""
    running = RunningAssistant()
    running.start()
    yield running
    running.stop()
