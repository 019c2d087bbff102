"""The real stack: the gateway forwards to a trained Rasa model and reports health."""

from __future__ import annotations

import httpx
import pytest

from tests.processes import RunningAssistant

pytestmark = pytest.mark.integration


def test_banner_lists_urls(assistant: RunningAssistant):
    text = "\n".join(assistant.output)
    assert f"{assistant.base_url}/healthz" in text
    assert f"POST {assistant.base_url}/api/chat" in text
    assert "TELEGRAM_BOT_TOKEN" in text  # Telegram is off and the banner says why


def test_healthz_all_components_ok(assistant: RunningAssistant):
    response = assistant.healthz()
    assert response.status_code == 200
    assert response.json()["components"] == {"rasa": "ok", "actions": "ok", "database": "ok"}


@pytest.mark.parametrize("greeting", ["xin chào", "xin chao", "chào bạn"])
def test_greeting_round_trips_through_rasa(assistant: RunningAssistant, greeting: str):
    response = httpx.post(
        f"{assistant.base_url}/api/chat", json={"session_id": "it-greet", "text": greeting}, timeout=30
    )
    assert response.status_code == 200
    messages = response.json()["messages"]
    assert messages and "Xin chào" in messages[0]["text"] and "Trợ lý số" in messages[0]["text"]


def test_live_gateway_rejects_bad_requests(assistant: RunningAssistant):
    url = f"{assistant.base_url}/api/chat"
    assert httpx.post(url, content=b"{", headers={"content-type": "application/json"}).status_code == 400
    assert httpx.post(url, json={"session_id": "x", "text": "y" * 100_000}).status_code == 413
    assert httpx.post(url, json={"session_id": "x", "text": ["a"]}).status_code == 422
    # the gateway is still serving after the bad requests
    assert assistant.healthz().status_code == 200
