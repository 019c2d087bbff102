"""The FAQ-gap page: clusters of unanswered, 👎-rated and escalated questions, and what to do with each."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from bot.gaps.browse import SORTS, GapQuery, find_clusters, page_of
from bot.gaps.drafts import DraftError, dismiss_items, draft_from_cluster
from bot.gaps.items import REASON_LABELS
from bot.gaps.period import parse_period
from bot.gaps.report import GapCluster
from bot.knowledge.schema import PROGRAMME_TOPICS
from bot.limits import DASHBOARD_SEARCH_CHARS
from bot.web.dashboard.deps import DashboardServices, Services
from bot.web.dashboard.render import flash, redirect, render
from bot.web.dashboard.security import PREFIX, Admin, AdminOrViewer, DashboardError, check_csrf

router = APIRouter(prefix=PREFIX)
PERIODS = {"7d": "7 ngày", "30d": "30 ngày", "90d": "90 ngày"}
CLUSTERS_PER_PAGE = 15


def _period(since: str) -> str:
    if since not in PERIODS:
        raise DashboardError(400, "Khoảng thời gian không hợp lệ; chọn 7, 30 hoặc 90 ngày.")
    return since


def _cluster(services: DashboardServices, since: str, key: str) -> GapCluster:
    """The cluster `key` of the current report; 409 when the list changed meanwhile."""
    cluster = services.gaps.report(services.clock() - parse_period(_period(since))).find(key)
    if cluster is None:
        raise DashboardError(409, "Nhóm câu hỏi này vừa thay đổi (có câu hỏi mới hoặc đã được xử lý). "
                                  "Mời bạn tải lại trang.")
    return cluster


@router.get("/gaps", response_class=HTMLResponse, include_in_schema=False)
def gaps(request: Request, user: AdminOrViewer, services: Services, since: str = "30d", q: str = "",
         topic: str = "", commune: str = "", reason: str = "", sort: str = "size", page: str = "1") -> Response:
    """The clusters of the period matching the search and filters, largest (or newest) first, a page at a time."""
    report = services.gaps.report(services.clock() - parse_period(_period(since)))
    query = GapQuery(text=q[:DASHBOARD_SEARCH_CHARS], programme=topic if topic in PROGRAMME_TOPICS else "",
                     commune=commune if services.province.commune(commune) else "",
                     reason=reason if reason in REASON_LABELS else "", sort=sort if sort in SORTS else "size")
    found = find_clusters(report.clusters, query)
    shown = page_of(found, int(page) if page.isdigit() and len(page) < 6 else 1, CLUSTERS_PER_PAGE)
    filters = {"since": since, "q": query.text, "topic": query.programme, "commune": query.commune,
               "reason": query.reason, "sort": query.sort}
    context = {"report": report, "clusters": shown.rows, "shown": shown, "since": since, "query": query,
               "filters": {key: value for key, value in filters.items() if value}, "periods": PERIODS,
               "sorts": SORTS, "reason_labels": REASON_LABELS,
               "can_act": user.role == "ict_admin"}
    return render(request, "dashboard/gaps.html", context, page="gaps")


@router.post("/gaps/draft", include_in_schema=False, dependencies=[Depends(check_csrf)])
def make_draft(request: Request, user: Admin, services: Services, key: str = Form(""),
               since: str = Form("30d")) -> Response:
    """Turn a cluster into a draft entry and open it."""
    try:
        draft_id = draft_from_cluster(services.engine, _cluster(services, since, key), user.username)
    except DraftError as error:
        flash(request, str(error), "error")
        return redirect(f"{PREFIX}/gaps?since={since}")
    flash(request, "Đã tạo bản nháp từ nhóm câu hỏi. Mời bạn hoàn thiện câu trả lời, nguồn rồi duyệt.")
    return redirect(f"{PREFIX}/drafts/{draft_id}")


@router.post("/gaps/dismiss", include_in_schema=False, dependencies=[Depends(check_csrf)])
def dismiss(request: Request, user: Admin, services: Services, key: str = Form(""), since: str = Form("30d"),
            reason: str = Form("")) -> Response:
    """Take a cluster off the list with a reason."""
    cluster = _cluster(services, since, key)
    try:
        dismiss_items(services.engine, [item.key for item in cluster.items], reason, user.username)
    except DraftError as error:
        flash(request, str(error), "error")
    else:
        flash(request, f"Đã bỏ qua nhóm {cluster.count} câu hỏi.")
    return redirect(f"{PREFIX}/gaps?since={since}")
