"""`trolyso eval` (the headline figures of question sets) and `trolyso calibrate` (fit the answer decision)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from bot.evaluation.runner import SetReport, run_groups, run_set
from bot.retrieval.calibration import LabelledQuestion, Targets, calibrate, label
from bot.retrieval.decision import FEATURES, DecisionModel
from bot.retrieval.embedders import make_embedder
from bot.retrieval.evaluation import load_entries, load_queries, percentile
from bot.retrieval.question_sets import QUESTION_SETS_FILE, QuestionSet, load_question_sets
from bot.retrieval.retriever import Retriever
from bot.retrieval.service import build_retriever, decision_model_path
from bot.settings import Settings

COLUMNS = ("n", "right", "wrong", "one_tap", "clarified", "abstained", "procedure_replies", "hit1", "hit3", "mrr")


def _retriever(settings: Settings, knowledge: Path, model: DecisionModel | None = None) -> Retriever:
    return build_retriever(settings, load_entries(knowledge), decision_model=model)


def _selected_sets(path: Path, purpose: str) -> list[QuestionSet]:
    sets = [s for s in load_question_sets(path) if purpose == "all" or s.purpose == purpose]
    for question_set in sets:
        missing = question_set.missing_files()
        if missing:
            raise ValueError(f"set {question_set.name}: missing {', '.join(str(p) for p in missing)}")
    return sets


def format_set_report(report: SetReport) -> str:
    """One set's table: a row per group, then the conversations and the latency."""
    lines = [f"## {report.name} ({report.purpose})",
             f"{'group':<20}" + "".join(f"{c:>10}" for c in COLUMNS)]
    for group, h in report.groups.items():
        cells = [f"{h.n:>10}"] + [f"{getattr(h, c):>10.3f}" for c in COLUMNS[1:]]
        lines.append(f"{group:<20}" + "".join(cells))
    c = report.conversations
    if c is not None:
        lines.append(f"conversations ({c.n} pairs): context errors {c.context_errors:.1%} (standalone read as"
                     f" follow-up {c.standalone_read_as_followup:.1%}, follow-up read alone"
                     f" {c.followup_read_alone:.1%}); second message right {c.second.right:.1%},"
                     f" wrong {c.second.wrong:.1%}, one tap {c.second.one_tap:.1%}")
    lines.append(f"latency per question: p50 {percentile(report.latencies_ms, 50):.1f} ms,"
                 f" p95 {percentile(report.latencies_ms, 95):.1f} ms")
    return "\n".join(lines)


def format_model(model: DecisionModel, path: Path) -> str:
    """How the decision was made: the model file, its signals and weights, thresholds and fitting method."""
    weights = ", ".join(f"{name} {weight:+.2f}" for name, weight in zip(model.features, model.weights, strict=True))
    t = model.thresholds
    fitted = model.fitted
    return "\n".join([
        f"decision model: {path}",
        f"  logistic regression over standardised signals (intercept {model.intercept:+.2f}): {weights}",
        f"  answer when p ≥ {t.answer_probability} and leads the next by ≥ {t.answer_margin}; offer choices from"
        f" p ≥ {t.choice_probability}; abstain as ambiguous from p ≥ {t.unsure_probability}",
        f"  fitted {fitted.get('fitted_on', '?')} on {fitted.get('questions', '?')}",
        f"  method: {fitted.get('method', fitted.get('note', '?'))}",
    ])


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Print the headline figures of the question sets (or of ad-hoc query files)."""
    reports: list[SetReport] = []
    try:
        if args.queries:
            if not args.knowledge:
                raise ValueError("--queries needs --knowledge")
            queries = [q for path in args.queries for q in load_queries(Path(path))]
            retriever = _retriever(settings, Path(args.knowledge))
            groups = {"in_scope": [q for q in queries if q.expected is not None],
                      "out_of_scope": [q for q in queries if q.expected is None]}
            reports.append(run_groups(Path(args.knowledge).name, "ad hoc",
                                      {k: v for k, v in groups.items() if v}, None, retriever))
        else:
            for question_set in _selected_sets(Path(args.sets), args.purpose):
                reports.append(run_set(question_set, _retriever(settings, question_set.knowledge)))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([asdict(r) for r in reports], ensure_ascii=False, indent=2, default=str))
        return 0
    path = decision_model_path(settings, make_embedder(settings).name)
    print(format_model(DecisionModel.load(path), path))
    for report in reports:
        print("\n" + format_set_report(report))
    return 0


def cmd_calibrate(args: argparse.Namespace, settings: Settings) -> int:
    """Fit the answer decision on the development sets and write it where the assistant reads it."""
    try:
        sets = _selected_sets(Path(args.sets), "development")
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    questions: list[LabelledQuestion] = []
    embedder_name = ""
    for question_set in sets:
        retriever = _retriever(settings, question_set.knowledge, DecisionModel.uncalibrated())
        embedder_name = retriever.embedder.name
        for group in question_set.groups:
            questions += label(retriever, question_set.questions(group), f"{question_set.name}/{group}")
        print(f"[calibrate] {question_set.name}: {len(retriever)} entries", file=sys.stderr)
    features = [f for f in FEATURES if f != "verified"]
    result = calibrate(questions, features, Targets(), about={"embedder": embedder_name,
                                                               "sets": [s.name for s in sets]})
    path = Path(args.out) if args.out else decision_model_path(settings, embedder_name)
    result.model.save(path)
    print(format_model(result.model, path))
    print(f"targets {'met' if result.met_targets else 'NOT met'} on the cross-fitted probabilities:")
    for group, r in result.per_group.items():
        print(f"  {group:<28} n {r.n:>4}  right {r.right:.3f}  wrong {r.wrong:.3f}  one tap {r.one_tap:.3f}"
              f"  clarified {r.clarified:.3f}  abstained {r.abstained:.3f}")
    return 0


def add_evaluation_commands(commands: argparse._SubParsersAction) -> None:
    """Register `eval` and `calibrate` on the main parser."""
    evaluate = commands.add_parser("eval", help="headline figures of the question sets")
    evaluate.add_argument("--sets", default=str(QUESTION_SETS_FILE), help="question sets file (YAML)")
    evaluate.add_argument("--purpose", choices=("development", "held_out", "all"), default="all")
    evaluate.add_argument("--knowledge", help="with --queries: knowledge YAML (file or folder), or JSONL/CSV/XLSX")
    evaluate.add_argument("--queries", action="append",
                          help="JSON lines {query, expected, kind} instead of the sets; repeat to combine files")
    evaluate.add_argument("--json", action="store_true", help="print JSON")
    evaluate.set_defaults(func=cmd_eval)
    calibration = commands.add_parser("calibrate", help="fit the answer decision on the development sets")
    calibration.add_argument("--sets", default=str(QUESTION_SETS_FILE), help="question sets file (YAML)")
    calibration.add_argument("--out", help="where to write the model (default: where the assistant reads it)")
    calibration.set_defaults(func=cmd_calibrate)
