"""Helpers of the dashboard tests: signing in, CSRF tokens, seeding questions and escalations."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.escalations.intake import EscalationRequest, submit_escalation
from bot.questionlog import record_question
from bot.settings import Settings

PASSWORD = "mật khẩu thử nghiệm 2026"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: TestClient, path: str = "/dashboard/login") -> str:
    """The CSRF token of the session, read from a page's form."""
    response = client.get(path)
    match = _CSRF.search(response.text)
    assert match, f"no form token on {path} ({response.status_code})"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    """Sign in through the form, as a browser does."""
    token = csrf(client)
    return client.post("/dashboard/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=False)


def post(client: TestClient, path: str, data: dict | None = None, token_page: str = "/dashboard/knowledge"):
    """Post a form with the session's CSRF token."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf(client, token_page)}, follow_redirects=False)


def abstained(engine: Engine, settings: Settings, *texts: str) -> list[int]:
    """Log questions the assistant abstained on."""
    return [record_question("web", f"citizen-{i}", text, "abstain", None, 0.5, {}, False, engine=engine,
                            settings=settings) for i, text in enumerate(texts)]


def escalate(engine: Engine, settings: Settings, question: str, commune: str = "SL03", chat_id: str = "w-1",
             channel: str = "web", phone: str | None = None) -> str:
    """Submit an escalation as the conversation does; returns the ticket code."""
    request = EscalationRequest(channel=channel, chat_id=chat_id, question=question,
                                transcript=[("citizen", question), ("bot", "Tôi chưa có câu trả lời.")],
                                commune_code=commune, phone=phone, consent=phone is not None, topic="dich_vu_cong")
    return submit_escalation(request, engine=engine, settings=settings)
