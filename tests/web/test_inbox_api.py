"""GET /api/messages and GET /api/events: later messages of a widget session, validated and in order."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import text

from bot.gateway import create_app
from bot.messages import Button, Message
from bot.settings import Settings
from bot.web import inbox_api
from bot.web.inbox import queue_web_message
from tests.processes import free_port
from tests.web.gateway import offline_settings


def queue(client: TestClient, session_id: str, text: str, buttons: list[Button] | None = None) -> int:
    return queue_web_message(client.app.state.gateway.engine, session_id, Message(text, buttons or []))


def test_messages_come_in_order_for_their_session_only(client: TestClient):
    first = queue(client, "w-citizen", "Tổ công nghệ số đã nhận câu hỏi của bạn.")
    queue(client, "w-other", "Tin nhắn của người khác.")
    buttons = [Button("👍 Hữu ích", "/feedback_good")]
    second = queue(client, "w-citizen", "Câu trả lời của tổ: bạn mở ứng dụng VssID.", buttons)
    third = queue(client, "w-citizen", "Bạn cần hỏi thêm gì không?")

    response = client.get("/api/messages", params={"session_id": "w-citizen"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    messages = response.json()["messages"]
    assert [m["id"] for m in messages] == [first, second, third]
    assert messages[1]["text"] == "Câu trả lời của tổ: bạn mở ứng dụng VssID."
    assert messages[1]["buttons"] == [{"title": "👍 Hữu ích", "payload": "/feedback_good"}]
    assert messages[0]["buttons"] == [] and messages[0]["created_at"]

    later = client.get("/api/messages", params={"session_id": "w-citizen", "after": str(first)}).json()["messages"]
    assert [m["id"] for m in later] == [second, third]
    assert client.get("/api/messages", params={"session_id": "w-citizen", "after": str(third)}).json() == {
        "messages": []
    }
    assert client.get("/api/messages", params={"session_id": "w-nobody"}).json() == {"messages": []}


@pytest.mark.parametrize("path", ["/api/messages", "/api/events"])
@pytest.mark.parametrize(
    ("params", "reason_part"),
    [
        ({}, "session_id"),
        ({"session_id": ""}, "session_id"),
        ({"session_id": "a b<script>"}, "session_id"),
        ({"session_id": "x" * 129}, "session_id"),
        ({"session_id": "w-ok\n"}, "session_id"),
        ({"session_id": "w-ok", "after": "-1"}, "after"),
        ({"session_id": "w-ok", "after": "abc"}, "after"),
        ({"session_id": "w-ok", "after": "1.5"}, "after"),
        ({"session_id": "w-ok", "after": "١٢"}, "after"),
        ({"session_id": "w-ok", "after": "9" * 30}, "after"),
    ],
)
def test_bad_queries_get_422_with_reason(client: TestClient, path: str, params: dict, reason_part: str):
    response = client.get(path, params=params)
    assert response.status_code == 422
    assert reason_part in response.json()["error"]


def test_bad_last_event_id_gets_422(client: TestClient):
    response = client.get("/api/events", params={"session_id": "w-ok"}, headers={"last-event-id": "x1"})
    assert response.status_code == 422


def test_event_streams_past_the_limit_are_refused(client: TestClient, monkeypatch):
    monkeypatch.setattr(inbox_api.open_streams, "open", inbox_api.MAX_OPEN_STREAMS)
    response = client.get("/api/events", params={"session_id": "w-ok"})
    assert response.status_code == 503
    assert "bận" in response.json()["error"]


def test_database_trouble_gives_503_not_500(client: TestClient):
    with client.app.state.gateway.engine.begin() as connection:
        connection.execute(text("DROP TABLE web_messages"))
    response = client.get("/api/messages", params={"session_id": "w-citizen"})
    assert response.status_code == 503
    assert "thử lại" in response.json()["error"]


class LiveGateway:
    """The gateway app served by uvicorn in a thread, for the streaming endpoint."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(settings)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", timeout_graceful_shutdown=5
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveGateway:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.server.started
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture()
def live(tmp_path) -> Iterator[LiveGateway]:
    with LiveGateway(offline_settings(tmp_path, widget_allowed_origins="https://xa-yenhoa.sonlam.gov.vn")) as gateway:
        yield gateway


def read_events(lines: Iterator[str], count: int) -> list[dict[str, str]]:
    """Parse Server-Sent Events from `lines` until `count` message events were read."""
    events: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in lines:
        if line == "":
            if current.get("event") == "message":
                events.append(current)
                if len(events) == count:
                    return events
            current = {}
        elif not line.startswith(":"):
            field, _, value = line.partition(": ")
            current[field] = value
    return events


def test_event_stream_pushes_waiting_and_new_messages(live: LiveGateway):
    engine = live.app.state.gateway.engine
    waiting = queue_web_message(engine, "w-stream", Message("Tin nhắn đang chờ."))
    url = f"{live.base_url}/api/events"
    origin = {"origin": "https://xa-yenhoa.sonlam.gov.vn"}
    with httpx.stream("GET", url, params={"session_id": "w-stream"}, headers=origin, timeout=20) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["access-control-allow-origin"] == origin["origin"]
        lines = response.iter_lines()
        first = read_events(lines, 1)
        assert first[0]["id"] == str(waiting)
        assert '"Tin nhắn đang chờ."' in first[0]["data"]
        queued_at = time.monotonic()
        fresh = queue_web_message(engine, "w-stream", Message("Câu trả lời của tổ công nghệ số.",
                                                              [Button("Hỏi tiếp", "xin chào")]))
        queue_web_message(engine, "w-someone-else", Message("Không phải của bạn."))
        second = read_events(lines, 1)
        assert second[0]["id"] == str(fresh)
        assert "Câu trả lời của tổ công nghệ số." in second[0]["data"] and '"payload": "xin chào"' in second[0]["data"]
        assert time.monotonic() - queued_at < 6


def test_event_stream_resumes_after_last_event_id(live: LiveGateway):
    engine = live.app.state.gateway.engine
    seen = queue_web_message(engine, "w-resume", Message("Đã xem."))
    unseen = queue_web_message(engine, "w-resume", Message("Chưa xem."))
    url = f"{live.base_url}/api/events"
    params = {"session_id": "w-resume", "after": "0"}
    with httpx.stream("GET", url, params=params, headers={"last-event-id": str(seen)}, timeout=20) as response:
        events = read_events(response.iter_lines(), 1)
    assert events[0]["id"] == str(unseen)
