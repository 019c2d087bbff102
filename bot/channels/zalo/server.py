"""The Zalo channel's HTTP side on 127.0.0.1: `GET /health` for the supervisor, and the webhooks behind the
reverse proxy: the Bot Platform's (secret token in `X-Bot-Api-Secret-Token`) and the Official Account's
(`X-ZEvent-Signature`). A request that fails its check gets HTTP 403 and is not read further; an accepted one
gets HTTP 200 at once and is answered in the background, so that Zalo never waits for the conversation."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import tornado.httpserver
import tornado.httputil
import tornado.web

from bot.channels.zalo.oa import valid_signature
from bot.limits import ZALO_WEBHOOK_BODY_BYTES

logger = logging.getLogger(__name__)

HealthReport = Callable[[], tuple[bool, dict[str, Any]]]
EventSink = Callable[[Any], Coroutine[Any, Any, None]]
"""Handles one event's JSON (answering the citizen); never raises."""
SECRET_HEADER = "X-Bot-Api-Secret-Token"
SIGNATURE_HEADER = "X-ZEvent-Signature"
SHUTDOWN_GRACE_SECONDS = 5.0
"""How long a stopping channel lets the messages in progress be answered (the supervisor waits 10 s)."""


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, report: HealthReport) -> None:
        self.report = report

    def get(self) -> None:
        healthy, body = self.report()
        self.set_status(200 if healthy else 503)
        self.write(body)


class _WebhookHandler(tornado.web.RequestHandler):
    """Accepts an event once `authentic(request)` holds, and hands its JSON to `sink` in the background."""

    def initialize(self, authentic: Callable[[tornado.httputil.HTTPServerRequest], bool], sink: EventSink,
                   tasks: set[asyncio.Task[None]]) -> None:
        self.authentic = authentic
        self.sink = sink
        self.tasks = tasks

    def post(self) -> None:
        if not self.authentic(self.request):
            logger.warning("a Zalo webhook request failed its check: refused")
            self.set_status(403)
            self.write({"ok": False, "error": "forbidden"})
            return
        try:
            event = json.loads(self.request.body)
        except ValueError:
            event = None  # acknowledged all the same: Zalo would only send it again
        task = asyncio.get_running_loop().create_task(self.sink(event))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        self.write({"ok": True})


def secret_checker(secret: str) -> Callable[[tornado.httputil.HTTPServerRequest], bool]:
    """The Bot Platform's check: the secret token given to `setWebhook`, compared in constant time."""
    expected = secret.encode()

    def authentic(request: tornado.httputil.HTTPServerRequest) -> bool:
        return hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), expected)

    return authentic


def signature_checker(app_id: str, oa_secret_key: str) -> Callable[[tornado.httputil.HTTPServerRequest], bool]:
    """The Official Account's check: the event's signature with the OA's secret key."""
    def authentic(request: tornado.httputil.HTTPServerRequest) -> bool:
        return valid_signature(request.body, request.headers.get(SIGNATURE_HEADER), app_id, oa_secret_key)

    return authentic


class ChannelServer:
    """One HTTP server on 127.0.0.1; `add_webhook` before `listen`."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]] = []
        self._server: tornado.httpserver.HTTPServer | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    def add_health(self, report: HealthReport) -> None:
        """Serve `report()` at `GET /health`: HTTP 200 when healthy, 503 otherwise."""
        self._routes.append((r"/health", _HealthHandler, {"report": report}))

    def add_webhook(self, path: str, authentic: Callable[[tornado.httputil.HTTPServerRequest], bool],
                    sink: EventSink) -> None:
        """Serve a webhook at `path` (`/zalo/webhook`)."""
        route = "/" + path.strip("/")
        self._routes.append((route, _WebhookHandler, {"authentic": authentic, "sink": sink, "tasks": self.tasks}))

    def listen(self, port: int) -> None:
        """Start listening on 127.0.0.1:`port` (in the running event loop)."""
        app = tornado.web.Application(self._routes, log_function=lambda _handler: None)
        self._server = tornado.httpserver.HTTPServer(app, max_body_size=ZALO_WEBHOOK_BODY_BYTES)
        self._server.listen(port, address="127.0.0.1")

    async def close(self) -> None:
        """Stop listening, drop open connections, and let the events in progress finish."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
        await finish(self.tasks)


async def finish(tasks: set[asyncio.Task[None]], grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
    """Let the events in progress finish for up to `grace` seconds, then cancel the rest."""
    if not tasks:
        return
    _done, pending = await asyncio.wait(set(tasks), timeout=grace)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
