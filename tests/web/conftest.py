"""Fixtures of the gateway tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.gateway import create_app
from tests.web.gateway import offline_settings


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The gateway in-process with the default settings, its own database and Rasa unreachable."""
    with TestClient(create_app(offline_settings(tmp_path))) as test_client:
        yield test_client
