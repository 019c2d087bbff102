"""The escalation form step by step through `POST /api/chat`, for the fault tests: a citizen reaches the question
about their commune, then (after a fault) answers it and the form must go on with nothing asked again."""

from __future__ import annotations

import re
import uuid

import httpx

from bot.db import get_engine
from bot.escalations.intake import escalation_status
from bot.settings import Settings
from tests.processes import RunningAssistant

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
