"""Periods typed by people: "30d", "12h", "2w", or a number of days."""

from __future__ import annotations

import re
from datetime import timedelta

MAX_DAYS = 366
_PERIOD = re.compile(r"^\s*(\d{1,4})\s*([hdw]?)\s*$", re.IGNORECASE)
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "": timedelta(days=1), "w": timedelta(weeks=1)}


def parse_period(text: str) -> timedelta:
    """The length of `text` ("30d", "12h", "2w", "7"); ValueError for anything else or above a year."""
    match = _PERIOD.match(text or "")
    if not match:
        raise ValueError(f"khoảng thời gian không hợp lệ: {text!r} (ví dụ: 7d, 30d, 12h, 2w)")
    length = int(match.group(1)) * _UNITS[match.group(2).lower()]
    if not timedelta(hours=1) <= length <= timedelta(days=MAX_DAYS):
        raise ValueError(f"khoảng thời gian phải từ 1 giờ đến {MAX_DAYS} ngày")
    return length
