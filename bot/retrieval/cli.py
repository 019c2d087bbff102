"""`trolyso ask`: one question through the retriever, as the assistant would decide it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.knowledge.store import load_knowledge
from bot.retrieval.evaluation import load_entries, load_queries, report, run_queries
from bot.retrieval.retriever import RetrievalResult, Retriever
from bot.retrieval.service import build_retriever
from bot.settings import PROJECT_ROOT, get_settings


def result_as_dict(result: RetrievalResult, retriever: Retriever) -> dict:
    """The `--json` shape of a retrieval result."""
    entry = retriever.entries.get(result.entry_id) if result.entry_id else None
    best = result.candidates[0] if result.candidates else None
    return {
        "decision": result.decision,
        "entry_id": result.entry_id,
        "answer": entry.answer if entry else None,
        "source_url": entry.source_url if entry else None,
        "scores": {
            "confidence": round(result.confidence, 4),
            "dense": round(best.dense, 4) if best else 0.0,
            "lexical": round(best.lexical, 4) if best else 0.0,
            "coverage": round(best.coverage, 4) if best else 0.0,
        },
        "candidates": [{"entry_id": c.entry_id, "question": c.question, "score": round(c.fused, 4)}
                       for c in result.candidates[:5]],
    }


def _knowledge_retriever(folder: Path) -> Retriever | None:
    """The configured retriever over the project knowledge in `folder`; None (problems printed) if it is invalid."""
    loaded = load_knowledge(folder)
    if loaded.errors:
        for problem in loaded.errors:
            print(problem, file=sys.stderr)
        return None
    return build_retriever(get_settings(), [located.entry for located in loaded.entries])


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question from the knowledge base (or say why not)."""
    retriever = _knowledge_retriever(Path(args.knowledge))
    if retriever is None:
        return 1
    result = retriever.search(args.question)
    data = result_as_dict(result, retriever)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"decision: {data['decision']}  (confidence {data['scores']['confidence']})")
    if data["answer"]:
        print(f"entry: {data['entry_id']}\n\n{data['answer']}\n\nnguồn: {data['source_url']}")
    print("\ncandidates:")
    for candidate in data["candidates"]:
        print(f"  {candidate['score']:.3f}  {candidate['entry_id']}  {candidate['question']}")
    return 0


def format_report(data: dict) -> str:
    """The human-readable form of an evaluation report."""
    lines = [f"{'queries':<22} {'n':>5} {'hit@1':>7} {'hit@3':>7} {'MRR':>7}"]
    rows = [("overall", data["overall"]), *data["by_kind"].items()]
    lines += [f"{name:<22} {m['n']:>5} {m['hit@1']:>7.3f} {m['hit@3']:>7.3f} {m['mrr']:>7.3f}" for name, m in rows]
    overall = data["overall"]
    lines.append(f"in scope: answered {overall['in_scope_answered']:.1%},"
                 f" clarified {overall['in_scope_clarified']:.1%}, wrong answers {overall['wrong_answers']:.1%}")
    oos = data["oos"]
    if oos["n"]:
        signals = ", ".join(f"{k} {v:.3f}" for k, v in oos["signal_roc_auc"].items())
        lines.append(f"out of scope ({oos['n']}): ROC AUC {oos['roc_auc']:.3f}; abstained {oos['abstain_accuracy']:.1%}"
                     f" at threshold {oos['threshold']}")
        lines.append(f"ROC AUC by signal: {signals}")
    calibration = data["calibration"]
    if calibration:
        lines.append(f"calibration: threshold {calibration['threshold']} ({calibration['rule']}):"
                     f" abstains on {calibration['oos_abstained']:.1%} out of scope, keeps"
                     f" {calibration['in_scope_kept']:.1%} in scope"
                     f" → RETRIEVAL_ANSWER_THRESHOLD={calibration['threshold']}")
    latency = data["latency_ms"]
    lines.append(f"latency per query: p50 {latency['p50']:.1f} ms, p95 {latency['p95']:.1f} ms")
    return "\n".join(lines)


def cmd_eval(args: argparse.Namespace) -> int:
    """Measure the retriever on a knowledge base and query files."""
    try:
        entries = load_entries(Path(args.knowledge))
        queries = [q for path in args.queries for q in load_queries(Path(path))]
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    retriever = build_retriever(get_settings(), entries)
    data = report(run_queries(retriever, queries), retriever.policy)
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else format_report(data))
    return 0


def cmd_index(_args: argparse.Namespace) -> int:
    """Embed the knowledge base and save the dense index, so the first question after a start is fast."""
    retriever = _knowledge_retriever(get_settings().knowledge_dir)
    if retriever is None:
        return 1
    print(f"✓ retrieval index ready: {len(retriever)} entries")
    return 0


def add_retrieval_commands(commands: argparse._SubParsersAction) -> None:
    """Register `ask`, `index` and `eval` on the main parser."""
    ask = commands.add_parser("ask", help="ask the knowledge base one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--knowledge", default=str(PROJECT_ROOT / "knowledge"))
    ask.set_defaults(func=cmd_ask)
    commands.add_parser("index", help="embed the knowledge base and save the index (cached)").set_defaults(
        func=cmd_index)
    evaluate = commands.add_parser("eval", help="measure retrieval on a query set")
    evaluate.add_argument("--knowledge", required=True, help="knowledge YAML (file or folder), or JSONL/CSV/XLSX")
    evaluate.add_argument("--queries", required=True, action="append",
                          help="JSON lines {query, expected, kind}; repeat to combine files")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(func=cmd_eval)
