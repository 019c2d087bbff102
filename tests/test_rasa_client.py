"""The Rasa client spreads conversations over the replicas and moves on to the next one when one is down:
real HTTP servers on 127.0.0.1 stand in for the Rasa replicas (each answers with its own name)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.rasa_client import RasaClient, RasaUnavailable, replica_order
from tests.processes import free_port


class FakeReplica:
    """A Rasa REST webhook answering `[{"text": "<name>: <message>"}]`, or `status` when it is not 200."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.status = 200
        self.received: list[tuple[str, str]] = []
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        app = FastAPI()

        @app.post("/webhooks/rest/webhook")
        async def webhook(request: Request) -> JSONResponse:
            body = await request.json()
            self.received.append((body["sender"], body["message"]))
            if self.status != 200:
                return JSONResponse({"error": "busy"}, status_code=self.status)
            return JSONResponse([{"recipient_id": body["sender"], "text": f"{self.name}: {body['message']}"}])

        @app.get("/status")
        async def status() -> JSONResponse:
            return JSONResponse({"model_file": "m.tar.gz"}, status_code=self.status)

        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    def start(self) -> FakeReplica:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline, "fake replica did not start"
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


@pytest.fixture
def replicas() -> Iterator[list[FakeReplica]]:
    started = [FakeReplica(name).start() for name in ("a", "b", "c")]
    yield started
    for replica in started:
        replica.stop()


def send(client: RasaClient, sender: str, text: str) -> str:
    async def go() -> str:
        try:
            return (await client.send(sender, text))[0].text
        finally:
            await client.aclose()
    return asyncio.run(go())


def test_replica_order_is_stable_and_covers_every_replica():
    assert replica_order("web:abc", 3) == replica_order("web:abc", 3)
    assert sorted(replica_order("web:abc", 3)) == [0, 1, 2]
    firsts = {replica_order(f"web:{i}", 3)[0] for i in range(60)}
    assert firsts == {0, 1, 2}  # conversations are spread over all replicas


def test_each_conversation_goes_to_its_own_replica(replicas: list[FakeReplica]):
    urls = [r.url for r in replicas]
    for i in range(12):
        sender = f"web:s{i}"
        expected = replicas[replica_order(sender, 3)[0]].name
        assert send(RasaClient(urls), sender, "xin chào") == f"{expected}: xin chào"


def test_a_replica_that_refuses_connections_is_skipped(replicas: list[FakeReplica]):
    sender = next(f"web:{i}" for i in range(100) if replica_order(f"web:{i}", 3)[0] == 0)
    urls = [f"http://127.0.0.1:{free_port()}", replicas[1].url, replicas[2].url]  # replica 0: nothing listens
    assert send(RasaClient(urls), sender, "Tân Lập") == "b: Tân Lập"


def test_a_replica_answering_503_is_skipped_then_tried_last(replicas: list[FakeReplica]):
    sender = next(f"web:{i}" for i in range(100) if replica_order(f"web:{i}", 3)[0] == 0)
    replicas[0].status = 503
    now = [0.0]
    client = RasaClient([r.url for r in replicas], clock=lambda: now[0])

    async def go() -> list[str]:
        texts = [(await client.send(sender, "một"))[0].text, (await client.send(sender, "hai"))[0].text]
        replicas[0].status = 200
        now[0] = 60.0  # long after the retry delay: the conversation's own replica is tried first again
        texts.append((await client.send(sender, "ba"))[0].text)
        await client.aclose()
        return texts

    assert asyncio.run(go()) == ["b: một", "b: hai", "a: ba"]
    # the second message did not knock on the replica found down a moment before
    assert [text for _, text in replicas[0].received] == ["một", "ba"]


def test_an_error_that_is_not_a_replica_being_down_is_not_retried(replicas: list[FakeReplica]):
    sender = next(f"web:{i}" for i in range(100) if replica_order(f"web:{i}", 3)[0] == 0)
    replicas[0].status = 500  # the message may have been handled: sending it again could answer it twice
    with pytest.raises(RasaUnavailable):
        send(RasaClient([r.url for r in replicas]), sender, "một")
    assert replicas[1].received == replicas[2].received == []


def test_no_replica_up_is_rasa_unavailable():
    urls = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    with pytest.raises(RasaUnavailable, match="no Rasa replica"):
        send(RasaClient(urls), "tg:1", "xin chào")


def test_ready_while_one_replica_is(replicas: list[FakeReplica]):
    async def ready(urls: list[str]) -> bool:
        client = RasaClient(urls)
        try:
            return await client.is_ready()
        finally:
            await client.aclose()

    down = f"http://127.0.0.1:{free_port()}"
    assert asyncio.run(ready([down, replicas[0].url])) is True
    assert asyncio.run(ready([down])) is False


def test_the_gateway_and_the_telegram_channel_spread_over_every_replica(tmp_path):
    from fastapi.testclient import TestClient

    from bot.channels.telegram.app import build_application
    from bot.gateway import create_app
    from bot.settings import Settings

    chosen = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 't.db'}",  # type: ignore[call-arg]
                      tracker_store_url=f"sqlite:///{tmp_path / 'tracker.db'}", rasa_url="http://127.0.0.1:7105",
                      rasa_replicas=2, telegram_bot_token="1:abc")
    expected = ["http://127.0.0.1:7105", "http://127.0.0.1:7106"]
    _application, handlers = build_application(chosen)
    assert handlers.rasa.urls == expected
    app = create_app(chosen)
    with TestClient(app):
        assert app.state.gateway.rasa.urls == expected
