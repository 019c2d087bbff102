"""`trolyso ask`: one question through the retriever, as the assistant would decide it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.knowledge.store import load_knowledge
from bot.retrieval.retriever import RetrievalResult, Retriever
from bot.retrieval.service import build_retriever
from bot.settings import PROJECT_ROOT, Settings


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
            "reason": result.reason,
            "dense": round(best.dense, 4) if best else 0.0,
            "lexical": round(best.lexical, 4) if best else 0.0,
            "coverage": round(best.coverage, 4) if best else 0.0,
        },
        "candidates": [{"entry_id": c.entry_id, "question": c.question, "probability": round(c.probability, 4),
                        "fused": round(c.fused, 4)} for c in result.candidates[:5]],
    }


def _knowledge_retriever(folder: Path, settings: Settings) -> Retriever | None:
    """The configured retriever over the project knowledge in `folder`; None (problems printed) if it is invalid."""
    loaded = load_knowledge(folder)
    if loaded.errors:
        for problem in loaded.errors:
            print(problem, file=sys.stderr)
        return None
    return build_retriever(settings, [located.entry for located in loaded.entries])


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question from the knowledge base (or say why not)."""
    retriever = _knowledge_retriever(Path(args.knowledge), settings)
    if retriever is None:
        return 1
    result = retriever.search(args.question)
    data = result_as_dict(result, retriever)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"decision: {data['decision']}  (probability {data['scores']['confidence']})")
    if data["answer"]:
        print(f"entry: {data['entry_id']}\n\n{data['answer']}\n\nnguồn: {data['source_url']}")
    print("\ncandidates:")
    for candidate in data["candidates"]:
        print(f"  {candidate['probability']:.3f}  {candidate['entry_id']}  {candidate['question']}")
    return 0


def cmd_index(_args: argparse.Namespace, settings: Settings) -> int:
    """Embed the knowledge base and save the dense index, so the first question after a start is fast."""
    retriever = _knowledge_retriever(settings.knowledge_dir, settings)
    if retriever is None:
        return 1
    print(f"✓ retrieval index ready: {len(retriever)} entries")
    return 0


def add_retrieval_commands(commands: argparse._SubParsersAction) -> None:
    """Register `ask` and `index` on the main parser."""
    ask = commands.add_parser("ask", help="ask the knowledge base one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--knowledge", default=str(PROJECT_ROOT / "knowledge"))
    ask.set_defaults(func=cmd_ask)
    commands.add_parser("index", help="embed the knowledge base and save the index (cached)").set_defaults(
        func=cmd_index)
