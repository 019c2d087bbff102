"""A conversation survives a Rasa crash: with one replica on the default SQLite tracker store, Rasa is killed
(SIGKILL) while the escalation form waits for the commune; after the supervisor's restart the citizen's answer
continues the form and nothing is asked again."""

from __future__ import annotations

import os
import signal
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.models import utcnow
from bot.settings import Settings
from bot.upkeep import purge_conversations
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


def test_stored_conversations_are_purged_after_the_retention(sqlite_assistant: RunningAssistant, tracker_file: Path):
    """The gateway's upkeep deletes what Rasa stored of a conversation once it has been idle for longer than the
    question log is kept (here: a day later than that, by the clock)."""
    chat = Chat(sqlite_assistant)
    reach_the_commune_question(chat)
    settings = Settings(tracker_store_url=f"sqlite:///{tracker_file}")
    sender = f"web:{chat.session_id}"

    def stored() -> int:
        with sqlite3.connect(tracker_file) as db:
            return int(db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0])

    before = stored()
    assert purge_conversations(settings) == 0 and stored() == before > 0
    later = utcnow() + timedelta(days=settings.question_log_retention_days + 1)
    assert purge_conversations(settings, later) >= before
    assert stored() == 0
