"""Exports: FAQ gaps and escalations of a period as CSV or XLSX (personal data masked)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.gaps.export import ESCALATION_COLUMNS, GAP_COLUMNS, escalation_rows, gap_rows, to_csv, to_xlsx
from bot.gaps.period import parse_period
from bot.web.dashboard.deps import Services
from bot.web.dashboard.render import render
from bot.web.dashboard.security import PREFIX, Admin, DashboardError

router = APIRouter(prefix=PREFIX)
PERIODS = {"7d": "7 ngày", "30d": "30 ngày", "90d": "90 ngày", "365d": "12 tháng"}
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
TITLES = {"gaps": "Câu hỏi cần bổ sung", "escalations": "Phiếu hỗ trợ"}


@router.get("/exports", response_class=HTMLResponse, include_in_schema=False)
def exports(request: Request, user: Admin) -> Response:
    """The export choices."""
    return render(request, "dashboard/exports.html", {"periods": PERIODS}, page="exports")


@router.get("/exports/{kind}.{fmt}", include_in_schema=False)
def download(request: Request, kind: str, fmt: str, user: Admin, services: Services, since: str = "30d") -> Response:
    """`gaps` or `escalations` of the period as `csv` or `xlsx`."""
    if kind not in TITLES or fmt not in MEDIA_TYPES or since not in PERIODS:
        raise DashboardError(404, "Không có tệp xuất này.")
    now = services.clock()
    start = now - parse_period(since)
    if kind == "gaps":
        columns, rows = GAP_COLUMNS, gap_rows(services.gaps.report(start), services.province)
    else:
        columns, rows = ESCALATION_COLUMNS, escalation_rows(services.engine, services.province, start,
                                                            services.gaps.predicted_topics)
    body = to_csv(columns, rows) if fmt == "csv" else to_xlsx(TITLES[kind], columns, rows)
    filename = f"trolyso-{kind}-{services.today():%Y%m%d}.{fmt}"
    return Response(body, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
