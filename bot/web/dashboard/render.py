"""Rendering dashboard pages: the shared Jinja environment, navigation by role, and one-time notices."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from bot import limits
from bot.accounts.users import ICT_ADMIN, ROLE_LABELS, TEAM_MEMBER, VIEWER, UserInfo
from bot.analytics import share_text
from bot.escalations.states import OPEN
from bot.gaps.labels import CHANNEL_NAMES, STATUS_NAMES, topic_name
from bot.knowledge.schema import PROGRAMME_TOPICS
from bot.localtime import format_duration, format_time
from bot.masking import mask_text
from bot.web.dashboard.deps import DashboardServices, dashboard_services
from bot.web.dashboard.security import CSRF_FIELD, PREFIX, csrf_token
from bot.web.widget import WEB_DIR

templates = Jinja2Templates(directory=WEB_DIR / "templates")
templates.env.filters.update(time=format_time, duration=format_duration, mask=mask_text, topic=topic_name,
                             share=share_text)
templates.env.globals.update(PREFIX=PREFIX, CSRF_FIELD=CSRF_FIELD, TOPICS=PROGRAMME_TOPICS, ROLE_LABELS=ROLE_LABELS,
                             STATUS_NAMES=STATUS_NAMES, CHANNEL_NAMES=CHANNEL_NAMES, LIMITS=limits)

NAVIGATION = [
    ("overview", f"{PREFIX}/", "Tổng quan", (ICT_ADMIN, VIEWER)),
    ("gaps", f"{PREFIX}/gaps", "Câu hỏi cần bổ sung", (ICT_ADMIN, VIEWER)),
    ("drafts", f"{PREFIX}/drafts", "Bản nháp", (ICT_ADMIN,)),
    ("knowledge", f"{PREFIX}/knowledge", "Kho kiến thức", (ICT_ADMIN, TEAM_MEMBER, VIEWER)),
    ("escalations", f"{PREFIX}/escalations", "Phiếu hỗ trợ", (ICT_ADMIN, TEAM_MEMBER)),
    ("exports", f"{PREFIX}/exports", "Xuất dữ liệu", (ICT_ADMIN,)),
]


LIVE_COUNT_SECONDS = 20
"""How often a team member's pages ask for the number of new tickets (`dashboard.js`)."""


def who(services: DashboardServices, user: UserInfo | None) -> dict[str, Any]:
    """The header's name and place of the signed-in user; for a team member, the count of new tickets too.

    A team member is named as in their team's list (`config/communes.yml`), with the commune's name.
    """
    if user is None:
        return {}
    if user.role != TEAM_MEMBER or not user.commune_code:
        return {"user_name": user.display_name, "user_place": ROLE_LABELS[user.role]}
    commune = services.province.commune(user.commune_code)
    member = commune.team.member(user.team_username or user.username) if commune else None
    name = member.display_name if member and user.display_name == user.username else user.display_name
    return {"user_name": name, "user_place": commune.name if commune else user.commune_code,
            "open_count": open_tickets(services, user.commune_code), "live_seconds": LIVE_COUNT_SECONDS}


def open_tickets(services: DashboardServices, commune_code: str) -> int:
    """How many tickets of the commune nobody has claimed yet."""
    return len(services.workflow.queue(commune_code, (OPEN,)))


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A notice shown once on the next page ("ok" or "error")."""
    request.session.setdefault("flash", []).append([kind, message])
    request.session["flash"] = request.session["flash"][-3:]


def render(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200,
           page: str = "") -> HTMLResponse:
    """A page with the signed-in user, the navigation they may use, the CSRF token and pending notices."""
    user = getattr(request.state, "user", None)
    services = dashboard_services(request)
    values = {
        "user": user,
        "page": page,
        "nav": [(key, url, label) for key, url, label, roles in NAVIGATION if user and user.role in roles],
        "csrf": csrf_token(request),
        "flashes": request.session.pop("flash", []),
        "province": services.province,
        **who(services, user),
        **(context or {}),
    }
    return templates.TemplateResponse(request, template, values, status_code=status)


def redirect(url: str) -> RedirectResponse:
    """A 303 redirect (after a form: the browser then loads the page with GET)."""
    return RedirectResponse(url, status_code=303)
