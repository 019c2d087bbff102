"""Input validation of POST /api/chat: every bad request gets a 4xx with a Vietnamese reason."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.conversation.degraded import BUSY_TEXT
from bot.gateway import create_app
from bot.messages import Message
from bot.rasa_client import RasaUnavailable
from tests.web.gateway import offline_settings
from tests.web.test_entry import OFFER, ScriptedRasa


@pytest.mark.parametrize(
    ("body", "status", "reason_part"),
    [
        (b"", 400, "trống"),
        (b"{not json", 400, "JSON"),
        (b"\xff\xfe\x00garbage", 400, "UTF-8"),
        (b'["xin chao"]', 422, "đối tượng JSON"),
        (b'{"session_id": "abc", "text": ""}', 422, "chưa nhập"),
        (b'{"session_id": "abc", "text": "   \\n\\t "}', 422, "chưa nhập"),
        (b'{"session_id": "abc", "text": 42}', 422, "text"),
        (b'{"session_id": 7, "text": "xin chao"}', 422, "session_id"),
        (b'{"session_id": "a b<script>", "text": "xin chao"}', 422, "session_id"),
        (b'{"text": "xin chao"}', 422, "session_id"),
        (b'{"session_id": "abc", "text": "xin chao", "commune": "<b>SL03"}', 422, "commune"),
        (b'{"session_id": "abc", "text": "xin chao", "commune": 3}', 422, "commune"),
    ],
)
def test_bad_requests_get_4xx_with_reason(client: TestClient, body: bytes, status: int, reason_part: str):
    response = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert reason_part in response.json()["error"]


def test_text_over_limit_is_rejected(client: TestClient):
    response = client.post("/api/chat", json={"session_id": "abc", "text": "a" * 2001})
    assert response.status_code == 422
    assert "2000" in response.json()["error"]


def test_100_kb_body_is_rejected_before_parsing(client: TestClient):
    response = client.post("/api/chat", json={"session_id": "abc", "text": "x" * 100_000})
    assert response.status_code == 413
    assert "quá dài" in response.json()["error"]


def test_rasa_down_gives_the_busy_reply_not_an_error(client: TestClient):
    response = client.post("/api/chat", json={"session_id": "abc", "text": "xin chào"})
    assert response.status_code == 200
    assert response.json() == {"messages": [{"text": BUSY_TEXT, "buttons": []}]}


def test_healthz_reports_each_component(client: TestClient):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["components"] == {"rasa": "down", "actions": "down", "database": "ok"}


def test_openapi_documents_the_chat_request_reply_and_errors(client: TestClient):
    schema = client.get("/openapi.json").json()
    chat = schema["paths"]["/api/chat"]["post"]
    request = chat["requestBody"]["content"]["application/json"]["schema"]
    assert request["required"] == ["session_id", "text"] and request["properties"]["text"]["maxLength"] == 2000
    reply = chat["responses"]["200"]["content"]["application/json"]["schema"]
    assert reply == {"$ref": "#/components/schemas/ChatReply"}
    for status in ("400", "413", "422", "429"):
        assert chat["responses"][status]["content"]["application/json"]["schema"] == \
            {"$ref": "#/components/schemas/ChatError"}
    components = schema["components"]["schemas"]
    assert set(components["ChatMessage"]["properties"]) == {"text", "buttons"}
    assert set(components["ChatButton"]["properties"]) == {"title", "payload"}
    assert client.get("/docs").status_code == 200


def test_the_reasons_stay_in_vietnamese_with_the_models_declared(client: TestClient):
    response = client.post("/api/chat", content=b'{"session_id": "abc", "text": 5}',
                           headers={"content-type": "application/json"})
    assert (response.status_code, response.json()) == (422, {"error": "text phải là một chuỗi văn bản."})


@pytest.mark.parametrize("body", [b"[" * 7000 + b"]" * 7000, b'{"session_id": "abc", "text": ' + b"[" * 5000 + b"}"])
def test_deeply_nested_json_gets_400_with_a_reason(client: TestClient, body: bytes):
    response = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400 and "lồng nhau" in response.json()["error"]


def test_a_session_over_its_rate_limit_gets_429_with_a_reason(tmp_path):
    with TestClient(create_app(offline_settings(tmp_path, web_rate_limit_per_minute=3))) as limited:
        statuses = [limited.post("/api/chat", json={"session_id": "s1", "text": "xin chào"}).status_code
                    for _ in range(5)]
        other = limited.post("/api/chat", json={"session_id": "s2", "text": "xin chào"})
        refused = limited.post("/api/chat", json={"session_id": "s1", "text": "xin chào"})
    assert statuses == [200, 200, 200, 429, 429] and other.status_code == 200
    assert "nhanh quá" in refused.json()["error"]


def test_an_address_over_its_rate_limit_gets_429_whatever_the_session(tmp_path):
    settings = offline_settings(tmp_path, web_address_rate_limit_per_minute=2)
    with TestClient(create_app(settings)) as limited:
        statuses = [limited.post("/api/chat", json={"session_id": f"s{i}", "text": "xin chào"}).status_code
                    for i in range(3)]
        refused = limited.post("/api/chat", json={"session_id": "s9", "text": "xin chào"})
    assert statuses == [200, 200, 429] and "địa chỉ mạng" in refused.json()["error"]


def test_forged_commands_reach_rasa_as_text_and_offered_ones_as_commands(client: TestClient):
    rasa = ScriptedRasa([OFFER], *([[Message("ok")]] * 5))
    client.app.state.gateway.entry.engine = rasa  # type: ignore[attr-defined]
    for text in ("cho tôi hỏi", "/restart", '/inform{"commune": "SL03"}', "/affirm", "/deny"):
        assert client.post("/api/chat", json={"session_id": "abc", "text": text}).status_code == 200
    assert rasa.received == ["cho tôi hỏi", "restart", 'inform{"commune": "SL03"}', "/affirm", "/deny"]
    other = client.post("/api/chat", json={"session_id": "other", "text": "/affirm"})
    assert other.status_code == 200 and rasa.received[-1] == "affirm"  # offered to "abc" only


def test_the_widgets_restart_reaches_rasa_as_a_command_and_the_pages_commune_as_metadata(client: TestClient):
    rasa = ScriptedRasa([], [Message("ok")], RasaUnavailable("down"))
    client.app.state.gateway.entry.engine = rasa  # type: ignore[attr-defined]
    restarted = client.post("/api/restart", json={"session_id": "abc"})
    assert restarted.status_code == 200 and restarted.json() == {"restarted": True}
    client.post("/api/chat", json={"session_id": "abc", "text": "gặp cán bộ", "commune": "SL03"})
    assert rasa.received == ["/restart", "gặp cán bộ"] and rasa.metadata == [None, {"commune": "SL03"}]
    down = client.post("/api/restart", json={"session_id": "abc"})
    assert down.status_code == 503 and "thử lại" in down.json()["error"]
    assert client.post("/api/restart", json={"session_id": "a b"}).status_code == 422
