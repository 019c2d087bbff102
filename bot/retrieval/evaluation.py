"""Measures the retriever on a query set: ranking quality, abstention and latency.

Used by `trolyso eval`, the benchmark and the regression tests, so every number comes from one place.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.importer import SUPPORTED_SUFFIXES, read_pairs, to_entries
from bot.knowledge.schema import KnowledgeEntry
from bot.knowledge.store import load_knowledge
from bot.retrieval.decision import Candidate, DecisionModel
from bot.retrieval.retriever import Retriever

RANK_DEPTH = 10


@dataclass(frozen=True)
class EvalQuery:
    """One test question: the acceptable entry ids, or None when no entry should answer it."""

    query: str
    expected: tuple[str, ...] | None
    kind: str


@dataclass(frozen=True)
class QueryOutcome:
    """What the retriever did with one test question."""

    query: EvalQuery
    ranked: list[Candidate]
    relevant_rank: int | None
    """1-based rank of the first acceptable entry, None when it is not in the top RANK_DEPTH."""
    confidence: float
    decision: str
    seconds: float


def load_queries(path: Path) -> list[EvalQuery]:
    """Read JSON lines `{"query": str, "expected": [ids] | null, "kind": str}`."""
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            expected = record["expected"]
            query = EvalQuery(str(record["query"]), tuple(expected) if expected is not None else None,
                              str(record.get("kind") or ("out_of_scope" if expected is None else "default")))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a query line ({exc})") from exc
        queries.append(query)
    return queries


def load_entries(path: Path) -> list[KnowledgeEntry]:
    """Knowledge to evaluate on: the project's YAML (file or folder) or a file `kb import` reads."""
    if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
        report = read_pairs(path)
        problems = [p for p in report.problems if p.severity == "error"]
        if problems or not report.pairs:
            raise ValueError(f"cannot import {path}: {problems[0] if problems else 'no pairs'}")
        return to_entries(report.pairs, "imported")
    loaded = load_knowledge(path)
    if loaded.errors:
        raise ValueError(f"invalid knowledge in {path}: {loaded.errors[0]}")
    return [located.entry for located in loaded.entries]


def first_relevant_rank(ranked: Sequence[Candidate], expected: Sequence[str],
                        entries: dict[str, KnowledgeEntry]) -> int | None:
    """1-based rank of the first candidate that stands for an expected id (merged ids count)."""
    for rank, candidate in enumerate(ranked, start=1):
        entry = entries.get(candidate.entry_id)
        if entry is not None and any(entry.answers_for(e) for e in expected):
            return rank
    return None


def run_queries(retriever: Retriever, queries: Sequence[EvalQuery]) -> list[QueryOutcome]:
    """Search every query once, timing each search."""
    outcomes = []
    for query in queries:
        start = time.perf_counter()
        result = retriever.search(query.query)
        seconds = time.perf_counter() - start
        rank = (first_relevant_rank(result.candidates[:RANK_DEPTH], query.expected, retriever.entries)
                if query.expected is not None else None)
        outcomes.append(QueryOutcome(query, result.candidates, rank, result.confidence, result.decision, seconds))
    return outcomes


def ranking_metrics(outcomes: Sequence[QueryOutcome]) -> dict[str, float]:
    """hit@1, hit@3 and MRR of in-scope outcomes, with their count."""
    ranks = [o.relevant_rank for o in outcomes]
    n = len(ranks)
    if not n:
        return {"n": 0, "hit@1": 0.0, "hit@3": 0.0, "mrr": 0.0}
    return {
        "n": n,
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@3": sum(r is not None and r <= 3 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r is not None) / n,
    }


def roc_auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    if not positives or not negatives:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def decision_rates(outcomes: Sequence[QueryOutcome]) -> dict[str, float]:
    """Shares of in-scope answered/clarified/abstained, wrong answers, and abstention on out-of-scope."""
    inside = [o for o in outcomes if o.query.expected is not None]
    outside = [o for o in outcomes if o.query.expected is None]
    answered = [o for o in inside if o.decision == "answer"]
    return {
        "in_scope_answered": _share(answered, inside),
        "in_scope_clarified": _share([o for o in inside if o.decision == "clarify"], inside),
        "in_scope_kept": _share([o for o in inside if o.decision != "abstain"], inside),
        "wrong_answers": _share([o for o in answered if o.relevant_rank != 1], inside),
        "oos_abstained": _share([o for o in outside if o.decision == "abstain"], outside),
    }


def _share(part: Sequence[object], whole: Sequence[object]) -> float:
    return len(part) / len(whole) if whole else float("nan")


def signal_aucs(outcomes: Sequence[QueryOutcome]) -> dict[str, float]:
    """ROC AUC (in-scope vs out-of-scope) of single signals of the best candidate and of the decision's
    probability (the confidence)."""
    signals: dict[str, Callable[[Sequence[Candidate]], float]] = {
        "dense": lambda ranked: max(c.dense for c in ranked),
        "bm25": lambda ranked: max(c.lexical for c in ranked),
        "coverage": lambda ranked: max(c.entry_coverage for c in ranked),
        "confidence": lambda ranked: ranked[0].probability,
    }
    result = {}
    for name, signal in signals.items():
        values: dict[bool, list[float]] = defaultdict(list)
        for o in outcomes:
            values[o.query.expected is not None].append(signal(o.ranked) if o.ranked else 0.0)
        result[name] = roc_auc(values[True], values[False])
    return result


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def report(outcomes: Sequence[QueryOutcome], model: DecisionModel) -> dict:
    """The retrieval figures of a query set: overall, by_kind, oos, latency_ms."""
    inside = [o for o in outcomes if o.query.expected is not None]
    by_kind: dict[str, list[QueryOutcome]] = defaultdict(list)
    for o in inside:
        by_kind[o.query.kind].append(o)
    outside = [o for o in outcomes if o.query.expected is None]
    aucs = signal_aucs(outcomes) if outside and inside else {}
    rates = decision_rates(outcomes)
    latencies = [o.seconds * 1000 for o in outcomes]
    return {
        "overall": {**ranking_metrics(inside), **{k: rates[k] for k in (
            "in_scope_answered", "in_scope_clarified", "in_scope_kept", "wrong_answers")}},
        "by_kind": {kind: ranking_metrics(items) for kind, items in sorted(by_kind.items())},
        "oos": {
            "n": len(outside),
            "roc_auc": aucs.get("confidence", float("nan")),
            "abstain_accuracy": rates["oos_abstained"],
            "answer_probability": model.thresholds.answer_probability,
            "signal_roc_auc": aucs,
        },
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "n": len(latencies)},
    }
