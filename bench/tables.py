"""Markdown table and number formatting for the benchmark reports."""

from __future__ import annotations

import math
from collections.abc import Sequence


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table; the first column left-aligned, the others right-aligned."""
    align = ["---", *["---:"] * (len(headers) - 1)]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def num(value: float | None, digits: int = 3) -> str:
    """`value` with `digits` decimals, or an em dash when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}f}"


def ms(value: float | None) -> str:
    """Milliseconds: one decimal below 100, none above."""
    if value is None or math.isnan(value):
        return "—"
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def points(value: float | None) -> str:
    """A difference of two shares in percentage points, signed."""
    if value is None or math.isnan(value):
        return "—"
    return f"{value * 100:+.1f}"
