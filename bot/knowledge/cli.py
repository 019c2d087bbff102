"""`trolyso kb ...`: validate, import and summarise the knowledge base."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.knowledge.importer import read_pairs, to_entries
from bot.knowledge.stats import compute_stats, format_stats
from bot.knowledge.store import Problem, dump_entries, load_knowledge
from bot.knowledge.validate import validate_path
from bot.settings import Settings


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)


def _path(args: argparse.Namespace, settings: Settings) -> Path:
    """The `path` argument, else the configured `KNOWLEDGE_DIR`."""
    return Path(args.path) if args.path else settings.knowledge_dir


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    """Validate a knowledge file or folder; exit 1 when there is any error."""
    result, problems = validate_path(_path(args, settings))
    _print_problems(problems)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    print(f"{len(result.entries)} entries checked: {errors} errors, {warnings} warnings")
    return 1 if errors else 0


def cmd_import(args: argparse.Namespace, _settings: Settings) -> int:
    """Import pairs from XLSX/CSV/JSONL into a knowledge file."""
    report = read_pairs(Path(args.file))
    _print_problems(report.problems)
    for note in report.duplicates:
        print(f"skipped duplicate: {note}")
    if not report.pairs:
        print("nothing imported", file=sys.stderr)
        return 1
    entries = to_entries(report.pairs, args.topic)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_entries(entries, header=f"Imported from {Path(args.file).name}"), encoding="utf-8")
    errors = sum(1 for p in report.problems if p.severity == "error")
    print(f"imported {len(entries)} entries into {out} ({errors} rows reported, "
          f"{len(report.duplicates)} duplicates skipped)")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Print entries per topic, alternates per entry and review status."""
    result = load_knowledge(_path(args, settings))
    _print_problems(result.problems)
    print(format_stats(compute_stats([located.entry for located in result.entries])))
    return 1 if result.errors else 0


def add_kb_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `kb validate|import|stats` on the main parser."""
    kb = commands.add_parser("kb", help="knowledge base tools").add_subparsers(dest="kb_command", required=True)
    validate = kb.add_parser("validate", help="check schema, ids, duplicates, sources and review dates")
    validate.add_argument("path", nargs="?", help="knowledge file or folder (default: KNOWLEDGE_DIR)")
    validate.set_defaults(func=cmd_validate)
    importer = kb.add_parser("import", help="import question/answer pairs from XLSX, CSV or JSONL")
    importer.add_argument("file")
    importer.add_argument("--topic", required=True, help="topic of the imported entries, e.g. cashless_payment")
    importer.add_argument("--out", required=True, help="knowledge file (YAML) to write")
    importer.set_defaults(func=cmd_import)
    stats = kb.add_parser("stats", help="entries per topic, alternates, review status")
    stats.add_argument("path", nargs="?", help="knowledge file or folder (default: KNOWLEDGE_DIR)")
    stats.set_defaults(func=cmd_stats)
