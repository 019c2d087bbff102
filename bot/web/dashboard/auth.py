"""Signing in and out of the dashboard."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from bot.accounts.lockout import sign_in
from bot.accounts.users import TEAM_MEMBER, UserInfo
from bot.limits import SIGN_IN_FIELD_CHARS, USERNAME_CHARS
from bot.localtime import local
from bot.web.dashboard.deps import Services
from bot.web.dashboard.render import flash, redirect, render
from bot.web.dashboard.security import PREFIX, check_csrf, safe_next, signed_in_user

router = APIRouter(prefix=PREFIX)
WRONG_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."


def home_of(user: UserInfo) -> str:
    """The first page of a role: team members start at their escalation queue."""
    return f"{PREFIX}/escalations" if user.role == TEAM_MEMBER else f"{PREFIX}/"


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> Response:
    """The sign-in form (a signed-in user goes straight on)."""
    user = signed_in_user(request)
    if user is not None:
        return redirect(safe_next(next) or home_of(user))
    return render(request, "dashboard/login.html", {"next": safe_next(next) or ""})


@router.post("/login", include_in_schema=False, dependencies=[Depends(check_csrf)])
def login(request: Request, services: Services, username: str = Form(""), password: str = Form(""),
          next: str = Form("")) -> Response:
    """Check the credentials (with the lockout) and start a new session."""
    client_ip = request.client.host if request.client else "unknown"
    result = sign_in(services.engine, services.settings, username[:SIGN_IN_FIELD_CHARS], password[:SIGN_IN_FIELD_CHARS],
                     client_ip, services.clock())
    context = {"next": safe_next(next) or "", "username": username[:USERNAME_CHARS]}
    if result.locked_until is not None:
        message = ("Đăng nhập sai quá nhiều lần nên tạm bị khoá. Bạn vui lòng thử lại sau "
                   f"{local(result.locked_until):%H:%M} (giờ Việt Nam).")
        return render(request, "dashboard/login.html", {**context, "error": message}, status=429)
    if result.user is None:
        return render(request, "dashboard/login.html", {**context, "error": WRONG_CREDENTIALS}, status=401)
    request.session.clear()
    request.session.update(uid=result.user.id, ver=result.user.session_version, csrf=secrets.token_urlsafe(32))
    return redirect(safe_next(next) or home_of(result.user))


@router.post("/logout", include_in_schema=False, dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    """End the session."""
    request.session.clear()
    flash(request, "Bạn đã đăng xuất.")
    return redirect(f"{PREFIX}/login")
