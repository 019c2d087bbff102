"""`trolyso gaps --since 30d --format csv|xlsx`: the FAQ-gap clusters of a period, as a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.db import get_engine, migrate
from bot.gaps.period import parse_period
from bot.models import utcnow
from bot.province import load_province
from bot.settings import Settings


def cmd_gaps(args: argparse.Namespace, settings: Settings) -> int:
    """Write the gap items of the period, grouped by need, to `--out` (CSV to standard output by default)."""
    from bot.gaps.export import GAP_COLUMNS, gap_rows, to_csv, to_xlsx  # numpy and scikit-learn: only when used
    from bot.gaps.reporter import GapReporter

    try:
        since = utcnow() - parse_period(args.since)
    except ValueError as error:
        print(f"✗ {error}", file=sys.stderr)
        return 2
    engine = get_engine(settings.database_url)
    migrate(engine)
    report = GapReporter(settings, engine).report(since)
    rows = gap_rows(report, load_province(settings.communes_file))
    if args.format == "csv":
        data = to_csv(GAP_COLUMNS, rows)
    else:
        data = to_xlsx("Câu hỏi chưa trả lời được", GAP_COLUMNS, rows)
    out = args.out or (None if args.format == "csv" else f"gaps-{utcnow():%Y%m%d}.xlsx")
    if out is None:
        sys.stdout.buffer.write(data)
    else:
        Path(out).write_bytes(data)
        print(f"✓ {len(report.clusters)} nhóm, {report.item_count} câu hỏi → {out}", file=sys.stderr)
    return 0


def add_gaps_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `gaps` on the main parser."""
    gaps = commands.add_parser("gaps", help="export the FAQ gaps (unanswered, 👎-rated, escalated questions)")
    gaps.add_argument("--since", default="30d", help="period before now: 7d, 30d, 12h, 2w (default 30d)")
    gaps.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    gaps.add_argument("--out", help="file to write (default: standard output for csv, gaps-<date>.xlsx for xlsx)")
    gaps.set_defaults(func=cmd_gaps)
