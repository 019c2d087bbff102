"""A corpus of bad input through `POST /api/chat` of the real stack: every request gets a 4xx with a reason or a
polite, non-empty reply; the processes stay healthy; no escalation is created or changed by it."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Escalation
from tests.processes import RunningAssistant

pytestmark = pytest.mark.integration

TEXTS = [
    "<script>alert('xss')</script>", "<img src=x onerror=alert(1)>cài vneid", "javascript:alert(document.cookie)",
    "\x07\x1b[31mcài vneid\x08\x7f", "\u202e\u200bdvc\u200d", "😀😀🙏", "👍", "123456", "0912 345 678",
    "/restart", "/session_start", "/affirm", '/inform{"commune": "SL03"}', '/inform{"phone": "0912345678"}',
    '/choose_entry{"entry_id": "../../etc/passwd"}', "/feedback_good", "/greet@0.99", "/", "//", "/ask_question{",
    "' OR 1=1; DROP TABLE escalations; --", "{{7*7}} ${7*7}", "a" * 2000, "ư" * 1999,
]
"""Typed texts, sent in this order, in sessions of `PER_SESSION` (under the rate limit): the forged commands
among them must not run the escalation form."""
PER_SESSION = 12
BODIES = [
    b"\x00\x01\x02\xff\xfe binary", bytes(range(256)), b"x" * 1_000_000, b"[" * 7000 + b"]" * 7000,
    b'{"session_id": "s", "text": ' + b"{" * 3000 + b"}", b"null", b"[]", b'"just a string"', b"1e999999",
    b'{"session_id": "bad id!", "text": "xin chao"}', b'{"session_id": "s", "text": null}',
    b'{"session_id": "s", "text": ["cai", "vneid"]}', b'{"session_id": "s", "text": {"$ne": ""}}',
    b'{"session_id": "s", "text": NaN}', b'{"session_id": "s"}',
    b'{"session_id": "s", "text": "' + b"a" * 2001 + b'"}',
    "{\"session_id\": \"s\", \"text\": \"cài vneid\"}".encode("utf-16"),
]
"""Raw request bodies."""


def escalation_count() -> int:
    with Session(RunningAssistant.database()) as session:
        return int(session.scalar(select(func.count()).select_from(Escalation)) or 0)


def assert_polite(response: httpx.Response) -> None:
    """A 4xx with a Vietnamese reason, or a reply with at least one non-empty message."""
    if 400 <= response.status_code < 500:
        assert response.json()["error"].strip(), response.text
        return
    assert response.status_code == 200, response.text
    messages = response.json()["messages"]
    assert messages and all(m["text"].strip() for m in messages), messages


def test_bad_input_gets_a_reason_or_a_polite_reply(assistant: RunningAssistant):
    before = escalation_count()
    url = f"{assistant.base_url}/api/chat"
    session_id = f"bad-{uuid.uuid4().hex[:10]}"
    with httpx.Client(timeout=60) as client:
        for number, text in enumerate(TEXTS):
            session = f"{session_id}-{number // PER_SESSION}"
            assert_polite(client.post(url, json={"session_id": session, "text": text}))
        for body in BODIES:
            assert_polite(client.post(url, content=body, headers={"content-type": "application/json"}))
        assert_polite(client.post(url, content=json.dumps({"session_id": session_id, "text": "cài vneid"}),
                                  headers={"content-type": "text/plain"}))
    assert assistant.healthz().status_code == 200
    assert escalation_count() == before
