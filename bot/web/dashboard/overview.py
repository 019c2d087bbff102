"""The overview page: questions per day by programme, decisions, ratings, escalations and service times."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.accounts.users import TEAM_MEMBER
from bot.analytics import DECISIONS, OTHER_DECISION, OTHER_TOPIC, build_overview
from bot.knowledge.schema import PROGRAMME_TOPICS
from bot.web.dashboard import charts
from bot.web.dashboard.auth import home_of
from bot.web.dashboard.deps import Services
from bot.web.dashboard.render import STATUS_NAMES, redirect, render
from bot.web.dashboard.security import PREFIX, AnyUser

router = APIRouter(prefix=PREFIX)
PERIODS = {7: "7 ngày", 30: "30 ngày", 90: "90 ngày"}
STATUS_ORDER = ("open", "claimed", "answered", "closed", "cancelled")
STATUS_COLORS = ("#c0392b", "#e07a1f", "#3a8f4b", "#1f6f8b", "#8a8a8a")
DECISION_COLORS = ("#3a8f4b", "#e07a1f", "#c0392b", "#8a8a8a")
"""Answered, clarified, abstained, not a question."""


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview(request: Request, user: AnyUser, services: Services, days: str = "30") -> Response:
    """The province-wide figures of the last `days` days (team members go to their queue)."""
    if user.role == TEAM_MEMBER:
        return redirect(home_of(user))
    period = int(days) if days.isdigit() and int(days) in PERIODS else 30
    until = services.clock()
    entries = [located.entry for located in services.knowledge.load().entries]
    data = build_overview(services.engine, services.province, entries, until - timedelta(days=period), until,
                          timedelta(hours=services.settings.escalation_overdue_after_hours))
    topic_names = {**PROGRAMME_TOPICS, OTHER_TOPIC: "Khác / chưa rõ"}
    decision_parts = [(name, data.decisions[key]) for key, name in DECISIONS.items()]
    decision_parts.append(("Không phải câu hỏi", data.decisions[OTHER_DECISION]))
    context = {
        "data": data, "days": period, "periods": PERIODS,
        "per_day_chart": charts.stacked_columns([f"{d:%d/%m}" for d in data.days], data.questions_per_day,
                                                topic_names, "Số câu hỏi mỗi ngày theo chương trình"),
        "decision_chart": charts.share_bar(decision_parts, "Tỷ lệ câu hỏi theo cách trợ lý xử lý",
                                           DECISION_COLORS),
        "commune_chart": charts.stacked_rows(data.by_commune, STATUS_ORDER, STATUS_NAMES,
                                             "Phiếu hỗ trợ theo xã/phường và trạng thái", STATUS_COLORS),
        "topic_names": topic_names, "decision_parts": decision_parts, "status_order": STATUS_ORDER,
    }
    return render(request, "dashboard/overview.html", context, page="overview")
