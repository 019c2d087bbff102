"""A tiny HTTP health endpoint for the supervisor: `GET /health` on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tornado.httpserver
import tornado.web

HealthReport = Callable[[], tuple[bool, dict[str, Any]]]


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, report: HealthReport) -> None:
        self.report = report

    def get(self) -> None:
        healthy, body = self.report()
        self.set_status(200 if healthy else 503)
        self.write(body)


class HealthServer:
    """Serves `report()` as JSON: HTTP 200 when healthy, 503 otherwise."""

    def __init__(self, report: HealthReport) -> None:
        app = tornado.web.Application([(r"/health", _HealthHandler, {"report": report})], log_function=lambda _h: None)
        self._server = tornado.httpserver.HTTPServer(app)

    def listen(self, port: int) -> None:
        """Start listening on 127.0.0.1:`port` (in the running event loop)."""
        self._server.listen(port, address="127.0.0.1")

    async def close(self) -> None:
        """Stop listening and drop open connections."""
        self._server.stop()
        await self._server.close_all_connections()
