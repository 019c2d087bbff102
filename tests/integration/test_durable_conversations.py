"""A conversation survives a Rasa crash: with one replica on the default SQLite tracker store, Rasa is killed
(SIGKILL) while the escalation form waits for the commune; after the supervisor's restart the citizen's answer
continues the form and nothing is asked again."""

from __future__ import annotations

import os
import signal
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.integration.form_steps import Chat, finish_the_form, reach_the_commune_question
from tests.processes import RunningAssistant

pytestmark = pytest.mark.integration

@pytest.fixture(scope="module")
def tracker_file() -> Path:
    return Path(tempfile.mkdtemp(prefix="trolyso-durable-")) / "tracker.db"


@pytest.fixture(scope="module")
def sqlite_assistant(tracker_file: Path) -> Iterator[RunningAssistant]:
    running = RunningAssistant({"TRACKER_STORE_URL": f"sqlite:///{tracker_file}"})
    running.start()
    yield running
    running.stop()


def test_the_form_continues_after_rasa_is_killed_and_restarted(sqlite_assistant: RunningAssistant,
                                                              tracker_file: Path):
    chat = Chat(sqlite_assistant)
    reach_the_commune_question(chat)
    with sqlite3.connect(tracker_file) as db:  # the conversation is on disk, not only in Rasa's memory
        stored = db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (f"web:{chat.session_id}",))
        assert stored.fetchone()[0] > 0
    os.kill(sqlite_assistant.child_pid("bin/rasa run"), signal.SIGKILL)
    assert sqlite_assistant.wait_for_output("rasa exited with code -9", timeout=15)
    assert sqlite_assistant.wait_for_output("rasa is back (restart #1)", timeout=300)
    finish_the_form(chat, Settings())
