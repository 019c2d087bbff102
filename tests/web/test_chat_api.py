"""Input validation of POST /api/chat: every bad request gets a 4xx with a Vietnamese reason."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


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


def test_rasa_down_gives_503_not_500(client: TestClient):
    response = client.post("/api/chat", json={"session_id": "abc", "text": "xin chào"})
    assert response.status_code == 503
    assert "thử lại" in response.json()["error"]


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
    for status in ("400", "413", "422", "503"):
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
