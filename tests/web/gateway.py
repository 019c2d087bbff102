"""Settings for testing the gateway in-process, on its own SQLite database, with Rasa unreachable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.settings import Settings
from tests.processes import free_port


def offline_settings(tmp_path: Path, **extra: Any) -> Settings:
    """A fresh SQLite database under `tmp_path`; nothing listens on the Rasa URL, so /api/chat answers with the
    degraded mode's busy reply (no retriever is built in the test process unless `extra` asks for a wait)."""
    values: dict[str, Any] = {"degraded_answerer_wait_seconds": 0, **extra}
    return Settings(database_url=f"sqlite:///{tmp_path / 'test.db'}", rasa_url=f"http://127.0.0.1:{free_port()}",
                    **values)
