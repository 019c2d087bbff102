"""Dashboard security: the signed session cookie, CSRF tokens, the signed-in user and role checks, headers.

The session is Starlette's signed cookie (itsdangerous), HttpOnly, SameSite=Lax, limited to /dashboard and
Secure when `DASHBOARD_SECURE_COOKIES` is set. It holds the user id, the user's session version (bumped on
disable or password change, which ends every session) and the CSRF token every form must send back.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.accounts.users import ICT_ADMIN, TEAM_MEMBER, VIEWER, UserInfo, get_user
from bot.keyfile import key_from_file
from bot.settings import Settings
from bot.web.dashboard.deps import dashboard_services

PREFIX = "/dashboard"
SESSION_COOKIE = "trolyso_dashboard"
CSRF_FIELD = "csrf_token"
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


class LoginRequired(Exception):
    """No signed-in user: the browser is sent to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class DashboardError(Exception):
    """A request the dashboard refuses (403, 404, …) with a reason in Vietnamese."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def session_secret(settings: Settings) -> str:
    """`DASHBOARD_SECRET_KEY`, else a random key created once in var/dashboard-secret.key (owner-only)."""
    if settings.dashboard_secret_key:
        return settings.dashboard_secret_key
    return key_from_file(settings.var_dir / "dashboard-secret.key").decode()


def session_middleware_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for Starlette's `SessionMiddleware`."""
    return {"secret_key": session_secret(settings), "session_cookie": SESSION_COOKIE,
            "max_age": int(settings.dashboard_session_hours * 3600), "path": PREFIX, "same_site": "lax",
            "https_only": settings.dashboard_secure_cookies}


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def check_csrf(request: Request) -> None:
    """Refuse (403) a form whose CSRF token is missing or is not the session's."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = request.session.get("csrf")
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise DashboardError(403, "Biểu mẫu đã hết hạn hoặc không hợp lệ. Mời bạn tải lại trang rồi thử lại.")


def signed_in_user(request: Request) -> UserInfo | None:
    """The user of the session, unless disabled or signed in before their sessions were ended."""
    user_id = request.session.get("uid")
    if not isinstance(user_id, int):
        return None
    user = get_user(dashboard_services(request).engine, user_id)
    if user is None or user.disabled or user.session_version != request.session.get("ver"):
        request.session.clear()
        return None
    return user


def require(*roles: str) -> Callable[[Request], UserInfo]:
    """A dependency giving the signed-in user when their role is one of `roles` (403 otherwise)."""

    def dependency(request: Request) -> UserInfo:
        user = signed_in_user(request)
        if user is None:
            raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        request.state.user = user
        if user.role not in roles:
            raise DashboardError(403, "Tài khoản của bạn không được xem trang này.")
        return user

    return dependency


AnyUser = Annotated[UserInfo, Depends(require(ICT_ADMIN, TEAM_MEMBER, VIEWER))]
Admin = Annotated[UserInfo, Depends(require(ICT_ADMIN))]
AdminOrViewer = Annotated[UserInfo, Depends(require(ICT_ADMIN, VIEWER))]
AdminOrTeam = Annotated[UserInfo, Depends(require(ICT_ADMIN, TEAM_MEMBER))]


def safe_next(path: str | None) -> str | None:
    """`path` when it is a dashboard page of this site (no open redirect), else None."""
    if not path or (not path.startswith(PREFIX + "/") and path != PREFIX):
        return None
    if path.startswith("//") or "\\" in path or "://" in path:
        return None
    return path


def login_url(next_path: str) -> str:
    """The sign-in page that comes back to `next_path`."""
    return f"{PREFIX}/login?next={quote(next_path, safe='/')}"


class DashboardHeaders:
    """ASGI middleware: strict security headers on every /dashboard response; pages are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if "cache-control" not in headers:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)

