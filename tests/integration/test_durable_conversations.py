"""A conversation survives a Rasa crash: with one replica on the default SQLite tracker store, Rasa is killed
(SIGKILL) while the escalation form waits for the commune; after the supervisor's restart the citizen's answer
continues the form and nothing is asked again."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.db import get_engine
from bot.escalations.intake import escalation_status
from bot.settings import Settings
from tests.processes import RunningAssistant

pytestmark = pytest.mark.integration

TICKET = re.compile(r"\bTL-[23456789A-HJKMNP-Z]{5}\b")
QUESTION = "chế độ thương binh liệt sĩ hưởng thế nào"


class Chat:
    """One citizen's web-widget session on a running assistant."""

    def __init__(self, assistant: RunningAssistant) -> None:
        self.url = f"{assistant.base_url}/api/chat"
        self.session_id = f"durable-{uuid.uuid4().hex[:12]}"

    def send(self, text: str) -> str:
        response = httpx.post(self.url, json={"session_id": self.session_id, "text": text}, timeout=60)
        assert response.status_code == 200, response.text
        messages = response.json()["messages"]
        assert messages, f"no reply to {text!r}"
        return "\n".join(message["text"] for message in messages)


def reach_the_commune_question(chat: Chat) -> None:
    """Ask what the knowledge base does not cover, accept the team, keep the question: the form asks the commune."""
    assert "chưa chắc chắn" in chat.send(QUESTION)
    assert QUESTION in chat.send("/affirm")
    assert "xã/phường" in chat.send("/affirm")


def finish_the_form(chat: Chat, settings: Settings) -> None:
    """Commune, phone, consent: a ticket of the commune is stored (the commune is asked for no more)."""
    after = chat.send("xa tan lap")
    assert "số điện thoại" in after and "xã/phường" not in after
    assert "091****678" in chat.send("0912 345 678")
    [code] = set(TICKET.findall(chat.send("/affirm")))
    status = escalation_status(code, engine=get_engine(settings.database_url), settings=settings)
    assert status is not None and (status.commune_code, status.status) == ("SL03", "open")


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
