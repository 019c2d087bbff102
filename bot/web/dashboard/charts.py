"""Charts drawn on the server as inline SVG: no script, no external library, readable on a phone.

Every chart carries a title and a text description for screen readers; the pages also show the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from bot.analytics import share_text

PALETTE = ("#1f6f8b", "#e07a1f", "#3a8f4b", "#a3161a", "#6b4fa0", "#8a8a8a")
AXIS = "#5f6368"
GRID = "#e3e3e3"


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")


MAX_TICKS = 5
"""An axis shows at most this many steps above 0."""


def nice_scale(value: int) -> tuple[int, int]:
    """(top, step) of an axis for data up to `value`: the smallest step of 1, 2 or 5 × 10ⁿ that reaches it in at
    most `MAX_TICKS` steps, and the first multiple of it at or above `value` (2,089 → 2,500 by 500)."""
    if value <= 0:
        return 1, 1
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if -(-value // step) <= MAX_TICKS:
                return -(-value // step) * step, step
        magnitude *= 10


def stacked_columns(labels: Sequence[str], series: dict[str, list[int]], names: dict[str, str], title: str,
                    colors: Sequence[str] = PALETTE) -> Markup:
    """Columns per label (e.g. per day), stacked by series (e.g. per programme), with a legend."""
    width, height, left, bottom, top = 720, 300, 44, 40, 12
    height += (len(series) + 1) // 2 * 22
    plot_h = 300 - bottom - top
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top_value, step = nice_scale(max(totals, default=0))
    slot = (width - left - 8) / max(len(labels), 1)
    bar = max(2.0, slot * 0.7)
    body = []
    for value in range(0, top_value + 1, step):
        y = top + plot_h - plot_h * value / top_value
        body.append(f'<line x1="{left}" x2="{width - 4}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{AXIS}">'
                    f'{value:,}</text>'.replace(",", "."))
    every = max(1, round(len(labels) / 10))
    for i, label in enumerate(labels):
        x = left + i * slot + (slot - bar) / 2
        y = top + plot_h
        for index, (key, values) in enumerate(series.items()):
            if not values[i]:
                continue
            h = plot_h * values[i] / top_value
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                        f'fill="{colors[index % len(colors)]}"><title>{escape(label)} · {escape(names.get(key, key))}: '
                        f'{values[i]}</title></rect>')
        if i % every == 0:
            body.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11" '
                        f'fill="{AXIS}">{escape(label)}</text>')
    for index, key in enumerate(series):
        lx, ly = left + (index % 2) * 340, 300 + (index // 2) * 22
        body.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{colors[index % len(colors)]}"/>'
                    f'<text x="{lx + 18}" y="{ly}" font-size="12" fill="#1f2328">{escape(names.get(key, key))}</text>')
    return _svg(width, height, title, body)


def share_bar(parts: Sequence[tuple[str, int]], title: str, colors: Sequence[str] = PALETTE) -> Markup:
    """One bar split by share (e.g. answered / clarified / abstained), with percentages in the legend."""
    width, total = 720, sum(value for _, value in parts)
    body = []
    x = 0.0
    for index, (name, value) in enumerate(parts):
        if not total or not value:
            continue
        w = (width - 2) * value / total
        body.append(f'<rect x="{x + 1:.1f}" y="4" width="{w:.1f}" height="30" fill="{colors[index % len(colors)]}">'
                    f'<title>{escape(name)}: {value} ({share_text(value, total)})</title></rect>')
        x += w
    if not total:
        body.append(f'<rect x="1" y="4" width="{width - 2}" height="30" fill="{GRID}"/>')
    for index, (name, value) in enumerate(parts):
        share = share_text(value, total)
        lx, ly = (index % 2) * 360, 56 + (index // 2) * 22
        body.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{colors[index % len(colors)]}"/>'
                    f'<text x="{lx + 18}" y="{ly}" font-size="13" fill="#1f2328">{escape(name)}: {value} '
                    f'({share})</text>')
    return _svg(width, 56 + ((len(parts) + 1) // 2) * 22, title, body)


def stacked_rows(rows: Sequence[tuple[str, dict[str, int]]], keys: Sequence[str], names: dict[str, str], title: str,
                 colors: Sequence[str] = PALETTE) -> Markup:
    """One horizontal bar per row (e.g. per commune), stacked by key (e.g. per status), with a legend."""
    width, label_w, row_h = 720, 170, 26
    top_value, _ = nice_scale(max((sum(counts.values()) for _, counts in rows), default=0))
    body = []
    for r, (label, counts) in enumerate(rows):
        y = 4 + r * row_h
        body.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="12" fill="#1f2328">'
                    f'{escape(label)}</text>')
        x = float(label_w)
        for index, key in enumerate(keys):
            value = counts.get(key, 0)
            if not value:
                continue
            w = (width - label_w - 40) * value / top_value
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 8}" '
                        f'fill="{colors[index % len(colors)]}"><title>{escape(label)} · {escape(names.get(key, key))}:'
                        f' {value}</title></rect>')
            x += w
        body.append(f'<text x="{x + 6:.1f}" y="{y + 15}" font-size="12" fill="{AXIS}">{sum(counts.values())}</text>')
    legend_y = 4 + len(rows) * row_h + 18
    for index, key in enumerate(keys):
        lx = (index % 5) * 140
        ly = legend_y + (index // 5) * 22
        body.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{colors[index % len(colors)]}"/>'
                    f'<text x="{lx + 18}" y="{ly}" font-size="12" fill="#1f2328">{escape(names.get(key, key))}</text>')
    return _svg(width, legend_y + ((len(keys) + 4) // 5) * 22, title, body)
