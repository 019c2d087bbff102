"""`GET /widget.js` (the embeddable chat widget) and `GET /demo` (a fictional commune portal embedding it)."""

from __future__ import annotations

import hashlib
import json
import secrets
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

WEB_DIR = Path(__file__).resolve().parent
WIDGET_FILE = WEB_DIR / "static" / "widget.js"
WIDGET_MAX_AGE_SECONDS = 3600
GREETING_MARK = b"/*greeting-menu*/null"
"""Where the served widget carries what its greeting offers (the gateway's `app.state.widget_greeting_menu`)."""

templates = Jinja2Templates(directory=WEB_DIR / "templates")
router = APIRouter()


@lru_cache(maxsize=4)
def widget_source(greeting_menu: str = "null") -> tuple[bytes, str]:
    """The widget script with the greeting's buttons (JSON: `{"topics": [...], "examples": [...]}`) and its strong
    ETag, built once per process."""
    body = WIDGET_FILE.read_bytes().replace(GREETING_MARK, greeting_menu.encode("ascii"))
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@router.get("/widget.js", include_in_schema=False)
def widget_js(request: Request) -> Response:
    """Serve the widget as JavaScript, cacheable for an hour and revalidated by ETag."""
    greeting_menu = getattr(request.app.state, "widget_greeting_menu", None)
    body, etag = widget_source(json.dumps(greeting_menu) if greeting_menu else "null")
    headers = {
        "Cache-Control": f"public, max-age={WIDGET_MAX_AGE_SECONDS}",
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        # host pages on other sites load this script; allow that even when they isolate themselves
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if etag in {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type="text/javascript; charset=utf-8", headers=headers)


def demo_security_headers(nonce: str) -> dict[str, str]:
    """A strict policy for the demo page: only its own scripts, styles with a nonce, API calls to itself."""
    policy = "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        f"style-src 'self' 'nonce-{nonce}'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cache-Control": "no-store",
    }


@router.get("/demo", response_class=HTMLResponse, include_in_schema=False)
def demo(request: Request) -> HTMLResponse:
    """A fictional commune portal that embeds the widget with one script tag, for trying it out."""
    nonce = secrets.token_urlsafe(16)
    widget_url = str(request.url_for("widget_js"))
    return templates.TemplateResponse(
        request,
        "demo.html",
        {"nonce": nonce, "widget_url": widget_url},
        headers=demo_security_headers(nonce),
    )
