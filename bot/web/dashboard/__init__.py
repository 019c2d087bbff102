"""The dashboard for the provincial ICT department and the community tech teams (server-rendered pages).

`install_dashboard(app, settings, engine, notifier_factory)` adds the session cookie, the security headers,
the error pages and the routes under /dashboard to the gateway.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, Response
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware

from bot.settings import Settings
from bot.web.dashboard import auth, drafts, escalations, exports, gaps, knowledge, overview
from bot.web.dashboard.deps import DashboardServices, NotifierFactory
from bot.web.dashboard.render import redirect, render
from bot.web.dashboard.security import (
    PREFIX,
    DashboardError,
    DashboardHeaders,
    LoginRequired,
    login_url,
    session_middleware_options,
)
from bot.web.widget import WEB_DIR

STYLESHEET = WEB_DIR / "static" / "dashboard.css"
SCRIPT = WEB_DIR / "static" / "dashboard.js"
ERROR_TITLES = {400: "Yêu cầu không hợp lệ", 403: "Không có quyền truy cập", 404: "Không tìm thấy",
                409: "Dữ liệu vừa thay đổi"}


async def _login_required(request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequired)
    return redirect(login_url(error.next_path))


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, DashboardError)
    return render(request, "dashboard/error.html",
                  {"title": ERROR_TITLES.get(error.status, "Không thực hiện được"), "message": error.message},
                  status=error.status)


async def _invalid(request: Request, error: Exception) -> Response:
    """Malformed parameters: a Vietnamese page under /dashboard, FastAPI's JSON answer elsewhere."""
    assert isinstance(error, RequestValidationError)
    if not request.url.path.startswith(PREFIX):
        return await request_validation_exception_handler(request, error)
    return render(request, "dashboard/error.html", {"title": ERROR_TITLES[404], "message":
                  "Đường dẫn hoặc tham số không hợp lệ."}, status=404)


def stylesheet() -> FileResponse:
    """The dashboard's only stylesheet (no external CDN)."""
    return FileResponse(STYLESHEET, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


def script() -> FileResponse:
    """The dashboard's only script: the live count of new tickets (the pages work without it)."""
    return FileResponse(SCRIPT, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})


def install_dashboard(app: FastAPI, settings: Settings, engine: Engine, notifier_factory: NotifierFactory) -> None:
    """Add the dashboard to the gateway `app`; `notifier_factory` builds the notifier of team answers."""
    app.state.dashboard = DashboardServices.create(settings, engine, notifier_factory)
    app.add_middleware(SessionMiddleware, **session_middleware_options(settings))
    app.add_middleware(DashboardHeaders)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(DashboardError, _refused)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_api_route(f"{PREFIX}/static/dashboard.css", stylesheet, include_in_schema=False)
    app.add_api_route(f"{PREFIX}/static/dashboard.js", script, include_in_schema=False)
    for module in (auth, overview, gaps, drafts, knowledge, escalations, exports):
        app.include_router(module.router)
