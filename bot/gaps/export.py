"""Exports of FAQ gaps and escalations as CSV (UTF-8 with BOM, for Excel) and XLSX, personal data masked.

People read the first columns: Vietnamese labels and question texts. The codes behind them (status, channel,
topic, reason, commune, entry id) follow in the last columns, named in English, for programs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.gaps.items import KIND_LABELS, REASON_LABELS
from bot.gaps.labels import CHANNEL_NAMES, STATUS_NAMES, topic_code, topic_name
from bot.gaps.report import GapReport
from bot.localtime import format_time
from bot.masking import mask_text
from bot.models import Escalation
from bot.province import Province

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

GAP_COLUMNS = ["nhóm", "số câu trong nhóm", "loại", "thời điểm", "câu hỏi", "xã/phường", "mã phiếu",
               "câu hỏi của mục kiến thức gần nhất", "độ giống", "lý do", "chủ đề của mục gần nhất",
               "kind", "reason", "commune_code", "nearest_entry_id", "nearest_topic"]
ESCALATION_COLUMNS = ["mã phiếu", "thời điểm gửi", "mã xã", "xã/phường", "trạng thái", "chủ đề", "kênh", "câu hỏi",
                      "số điện thoại", "người nhận xử lý", "thời điểm nhận", "thời điểm trả lời", "phút đến khi nhận",
                      "phút đến khi trả lời", "câu trả lời", "status", "topic", "channel"]


def safe_cell(value: Any) -> Any:
    """A cell value that a spreadsheet shows as typed: text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def gap_rows(report: GapReport, province: Province) -> list[list[Any]]:
    """One row per gap item, with its cluster's number and nearest entry."""
    names = {commune.code: commune.name for commune in province.communes}
    rows = []
    for number, cluster in enumerate(report.clusters, start=1):
        nearest = cluster.nearest_entry
        for item in cluster.items:
            rows.append([number, cluster.count, KIND_LABELS[item.kind], format_time(item.created_at),
                         mask_text(item.text), names.get(item.commune_code or "", ""), item.ticket_code or "",
                         nearest.question if nearest else "", round(cluster.nearest_score, 3),
                         REASON_LABELS[item.reason], topic_name(nearest.topic) if nearest else "",
                         item.kind, item.reason, item.commune_code or "", nearest.id if nearest else "",
                         nearest.topic if nearest else ""])
    return rows


def _minutes(start: datetime, end: datetime | None) -> int | str:
    return round((end - start).total_seconds() / 60) if end else ""


def escalation_rows(engine: Engine, province: Province, since: datetime,
                    topics_of: Callable[[list[str]], list[str | None]], commune_code: str | None = None,
                    ) -> list[list[Any]]:
    """One row per escalation created from `since` on (one commune's, when given), oldest first.

    `topics_of(questions)` predicts each question's topic (None: unknown), as the ticket page shows it.
    """
    query = select(Escalation).where(Escalation.created_at >= since).order_by(Escalation.created_at, Escalation.id)
    if commune_code:
        query = query.where(Escalation.commune_code == commune_code)
    with Session(engine) as session:
        found = list(session.scalars(query))
        topics = topics_of([row.question for row in found]) if found else []
        rows = []
        for row, topic in zip(found, topics, strict=True):
            commune = province.commune(row.commune_code)
            rows.append([row.ticket_code, format_time(row.created_at), row.commune_code,
                         commune.name if commune else "", STATUS_NAMES.get(row.status, row.status),
                         topic_name(topic) if topic else "", CHANNEL_NAMES.get(row.channel, row.channel),
                         mask_text(row.question), row.phone_masked or "", row.assignee_name or "",
                         format_time(row.claimed_at), format_time(row.answered_at),
                         _minutes(row.created_at, row.claimed_at), _minutes(row.created_at, row.answered_at),
                         mask_text(row.answer), row.status, topic_code(topic), row.channel])
        return rows


def to_csv(columns: Sequence[str], rows: list[list[Any]]) -> bytes:
    """CSV bytes in UTF-8 with a BOM (Excel then reads Vietnamese correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([[safe_cell(value) for value in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(title: str, columns: Sequence[str], rows: list[list[Any]]) -> bytes:
    """An XLSX workbook with one sheet: a bold header row, then the rows."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = title[:31]
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
