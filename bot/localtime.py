"""Times as people in Vietnam read them (Asia/Ho_Chi_Minh, UTC+7, no daylight saving): the one time zone of
everything shown to citizens, teams and the ICT department."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(moment: datetime) -> datetime:
    """`moment` in Vietnam time (a naive `moment` is taken as UTC, as the database stores it)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM)


def local_day(moment: datetime) -> date:
    """The calendar day of `moment` in Vietnam."""
    return local(moment).date()


def format_day(moment: datetime) -> str:
    """"21/11/2026": the day of `moment` in Vietnam."""
    return local(moment).strftime("%d/%m/%Y")


def format_time(moment: datetime | None) -> str:
    """"21/11/2026 18:05" in Vietnam time; "" for None."""
    return local(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def format_duration(span: timedelta | None) -> str:
    """"2 ngày 3 giờ", "4 giờ 15 phút", "12 phút"; "—" for None."""
    if span is None:
        return "—"
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} ngày {hours} giờ"
    if hours:
        return f"{hours} giờ {minutes} phút"
    return f"{minutes} phút"
