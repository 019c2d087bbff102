"""CORS for the web widget's API: only the configured origins may call it from a browser.

A request from an allowed origin gets `Access-Control-Allow-Origin` with that origin; any other
origin gets no CORS header at all, so the browser refuses to hand the answer to the page. Preflight
requests (`OPTIONS` with `Access-Control-Request-Method`) are answered here, never by the routes.
Same-origin requests (the demo page) need no CORS header and are served as usual.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

WIDGET_API_PATHS = frozenset({"/api/chat", "/api/restart", "/api/messages", "/api/events"})
ALLOWED_METHODS = ("GET", "POST")
ALLOWED_HEADERS = ("content-type", "last-event-id")
PREFLIGHT_MAX_AGE_SECONDS = 600


class WidgetCorsMiddleware:
    """ASGI middleware adding CORS headers to the widget API for a fixed list of origins."""

    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str]) -> None:
        self.app = app
        self.allowed_origins = frozenset(origin.rstrip("/").lower() for origin in allowed_origins)

    def is_allowed(self, origin: str | None) -> bool:
        """True when `origin` (the request's `Origin` header) is in the configured list."""
        return origin is not None and origin.rstrip("/").lower() in self.allowed_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in WIDGET_API_PATHS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self.preflight(origin, headers, send)
            return
        allowed = self.is_allowed(origin)

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                response_headers.add_vary_header("Origin")
                if allowed:
                    response_headers["Access-Control-Allow-Origin"] = origin or ""
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def preflight(self, origin: str | None, headers: Headers, send: Send) -> None:
        """Answer a CORS preflight: 204 with the allowed methods and headers, or 403 without CORS headers."""
        requested_method = headers["access-control-request-method"].upper()
        requested = headers.get("access-control-request-headers", "")
        requested_headers = {name.strip().lower() for name in requested.split(",") if name.strip()}
        ok = (
            self.is_allowed(origin)
            and requested_method in ALLOWED_METHODS
            and requested_headers <= set(ALLOWED_HEADERS)
        )
        response_headers: list[tuple[bytes, bytes]] = [(b"vary", b"Origin")]
        if ok:
            body = b""
            response_headers += [
                (b"access-control-allow-origin", (origin or "").encode("latin-1")),
                (b"access-control-allow-methods", ", ".join(ALLOWED_METHODS).encode()),
                (b"access-control-allow-headers", ", ".join(ALLOWED_HEADERS).encode()),
                (b"access-control-max-age", str(PREFLIGHT_MAX_AGE_SECONDS).encode()),
            ]
        else:
            reason = "Trang web này chưa được phép dùng Trợ lý số." if not self.is_allowed(origin) else (
                "Phương thức hoặc tiêu đề yêu cầu không được hỗ trợ."
            )
            body = json.dumps({"error": reason}, ensure_ascii=False).encode("utf-8")
            response_headers.append((b"content-type", b"application/json; charset=utf-8"))
        response_headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 204 if ok else 403, "headers": response_headers})
        await send({"type": "http.response.body", "body": body})
