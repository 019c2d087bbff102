"""Index build time, query latency, hit@1 and peak memory at growing knowledge-base sizes, and live updates.

Each size is measured in its own process (`python -m bench.scaling --child --size N --out FILE`) so
that peak RSS (`ru_maxrss` from `os.wait4`) belongs to that size alone. The knowledge base is the real
entries (VNPT Money + the project's own) plus perturbed copies (`bench.synthetic`); the questions are
the real development questions of both sets.

Embeddings of the synthetic entries are cached in `var/bench/scale-embeddings.sqlite` (seeded from the
project's cache `var/embeddings.sqlite`), so only the first run pays for encoding them. The build
measured at each size is therefore the warm one; the cold build is estimated from a sample of the
same knowledge base built with an empty cache, and labelled as an estimate.

    .venv/bin/python -m bench.scaling [--sizes 1000,10000]    # the Markdown tables alone
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.datasets import own_dataset, vnpt_dataset
from bench.synthetic import SEED, scaled_knowledge, source_id
from bench.tables import markdown_table, ms, num
from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.documents import entry_documents
from bot.retrieval.embedders import Embedder, EmbeddingCache
from bot.retrieval.evaluation import QueryOutcome, decision_rates, percentile, ranking_metrics, run_queries
from bot.retrieval.retriever import Retriever
from bot.retrieval.service import build_retriever
from bot.settings import PROJECT_ROOT, Settings

SCALE_CACHE = PROJECT_ROOT / "var" / "bench" / "scale-embeddings.sqlite"
COLD_SAMPLE_ENTRIES = 40
LIVE_UPDATES = 20
LIVE_SIZE = 1000


class CountingEmbedder:
    """An embedder that counts the passages it encodes (what the cache did not hold)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.passages = 0

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Delegate."""
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Delegate, counting."""
        self.passages += len(texts)
        return self.inner.encode_passages(texts)


def dense_texts(entries: Sequence[KnowledgeEntry]) -> list[str]:
    """Every text the retriever embeds for `entries`, one per FAISS vector (repeats kept)."""
    return [text for entry in entries for document in entry_documents(entry) for text in document.dense_texts]


def seed_cache(target: Path, source: Path) -> None:
    """Copy into `target` the cached embeddings of `source` it lacks (both EmbeddingCache files)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(target) as db:
        db.execute("CREATE TABLE IF NOT EXISTS embedding (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        if source.exists():
            db.execute("ATTACH DATABASE ? AS source", (str(source),))
            db.execute("INSERT OR IGNORE INTO embedding SELECT key, vector FROM source.embedding")
            db.commit()
            db.execute("DETACH DATABASE source")


def fill_cache(entries: Sequence[KnowledgeEntry], embedder: Embedder, path: Path) -> dict[str, float]:
    """Embed into the cache at `path` whatever texts of `entries` it lacks; how many and how long."""
    counting = CountingEmbedder(embedder)
    texts = sorted(set(dense_texts(entries)))
    started = time.perf_counter()
    EmbeddingCache(path, counting).encode_passages(texts)
    return {"texts": len(texts), "encoded": counting.passages, "seconds": time.perf_counter() - started}


def estimate_cold(entries: Sequence[KnowledgeEntry], like: Retriever, workdir: Path, rng: random.Random,
                  sample_size: int = COLD_SAMPLE_ENTRIES) -> dict[str, float]:
    """Encoding seconds per text, from building a random sample of `entries` with an empty cache.

    The sample is built twice, cold then warm; the difference is the encoding time of its texts.
    """
    sample = rng.sample(list(entries), min(sample_size, len(entries)))
    embedder = CountingEmbedder(like.embedder)
    retriever = Retriever(embedder, like.decision_model, EmbeddingCache(workdir / "cold-sample.sqlite", embedder),
                          fusion=like.fusion, dense_weight=like.dense_weight)
    started = time.perf_counter()
    retriever.build(sample)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    retriever.build(sample)
    warm = time.perf_counter() - started
    return {"entries": len(sample), "texts": embedder.passages, "cold_seconds": cold, "warm_seconds": warm,
            "seconds_per_text": max(cold - warm, 0.0) / max(embedder.passages, 1)}


def live_entries(real: Sequence[KnowledgeEntry], count: int, rng: random.Random) -> list[KnowledgeEntry]:
    """New curated-looking entries (question, alternates, a full answer) whose texts no cache holds."""
    sources = rng.sample([e for e in real if e.alternates], count)
    return [
        source.model_copy(update={
            "id": f"live-{i:02d}",
            "question": f"{source.question} (bản cập nhật {i + 1})",
            "alternates": [f"{text} (bản cập nhật {i + 1})" for text in source.alternates],
            "answer": f"Cập nhật lần {i + 1}. {source.answer}",
        })
        for i, source in enumerate(sources)
    ]


def measure_live(retriever: Retriever, entries: list[KnowledgeEntry]) -> dict[str, Any]:
    """Milliseconds to upsert each new entry (cold, then again with its texts cached) and to remove it."""
    cold, warm, removed, found = [], [], [], 0
    texts_per_entry = [len(set(dense_texts([e]))) for e in entries]
    for entry in entries:
        started = time.perf_counter()
        retriever.upsert(entry)
        cold.append((time.perf_counter() - started) * 1000)
        found += entry.id in [c.entry_id for c in retriever.search(entry.question).candidates[:3]]
    for entry in entries:
        started = time.perf_counter()
        retriever.upsert(entry)
        warm.append((time.perf_counter() - started) * 1000)
    for entry in entries:
        started = time.perf_counter()
        retriever.remove(entry.id)
        removed.append((time.perf_counter() - started) * 1000)
    return {
        "n": len(entries), "texts_per_entry": statistics.mean(texts_per_entry), "found_top3": found,
        "upsert_cold_ms": {"p50": percentile(cold, 50), "p95": percentile(cold, 95)},
        "upsert_warm_ms": {"p50": percentile(warm, 50), "p95": percentile(warm, 95)},
        "remove_ms": {"p50": percentile(removed, 50), "p95": percentile(removed, 95)},
    }


def same_answer_hit1(outcomes: Sequence[QueryOutcome], entries: dict[str, KnowledgeEntry]) -> float:
    """Share of questions whose top entry is an expected one or a synthetic copy of it (the same answer)."""
    hits = 0
    for outcome in outcomes:
        top = outcome.ranked[0].entry_id if outcome.ranked else None
        if top is not None and outcome.query.expected is not None:
            real = entries[source_id(entries[top])]
            hits += any(real.answers_for(expected) for expected in outcome.query.expected)
    return hits / len(outcomes) if outcomes else float("nan")


def measure_size(size: int, live: bool) -> dict[str, Any]:
    """Everything measured for one knowledge-base size, in this process."""
    settings = Settings()
    vnpt, own = vnpt_dataset(), own_dataset()
    real = vnpt.entries + own.entries
    entries = scaled_knowledge(real, size)
    queries = vnpt.in_scope + own.in_scope + own.out_of_scope
    result: dict[str, Any] = {"size": len(entries), "real": len(real), "synthetic": len(entries) - len(real),
                              "vectors": len(dense_texts(entries)), "distinct_texts": len(set(dense_texts(entries)))}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        workdir = Path(tmp)
        retriever = build_retriever(settings, real[:1], cache_path=workdir / "bootstrap.sqlite")
        seed_cache(SCALE_CACHE, settings.var_dir / "embeddings.sqlite")
        result["fill"] = fill_cache(entries, retriever.embedder, SCALE_CACHE)
        shutil.copyfile(SCALE_CACHE, workdir / "cache.sqlite")
        retriever = Retriever(retriever.embedder, retriever.decision_model, EmbeddingCache(workdir / "cache.sqlite",
                              retriever.embedder), fusion=retriever.fusion, dense_weight=retriever.dense_weight)
        started = time.perf_counter()
        retriever.build(entries)
        result["build_warm_seconds"] = time.perf_counter() - started
        retriever.search("xin chào")
        outcomes = run_queries(retriever, queries)
        n_vnpt, n_own = len(vnpt.in_scope), len(own.in_scope)
        rates = decision_rates(outcomes)
        latencies = [o.seconds * 1000 for o in outcomes]
        by_id = {entry.id: entry for entry in entries}
        result.update({
            "hit@1_vnpt": ranking_metrics(outcomes[:n_vnpt])["hit@1"],
            "hit@1_own": ranking_metrics(outcomes[n_vnpt:n_vnpt + n_own])["hit@1"],
            "same_answer@1_vnpt": same_answer_hit1(outcomes[:n_vnpt], by_id),
            "same_answer@1_own": same_answer_hit1(outcomes[n_vnpt:n_vnpt + n_own], by_id),
            "oos_abstained": rates["oos_abstained"], "in_scope_kept": rates["in_scope_kept"],
            "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "n": len(latencies)},
        })
        cold = estimate_cold(entries, retriever, workdir, random.Random(SEED + size))
        result["cold_sample"] = cold
        result["build_cold_estimate_seconds"] = (result["build_warm_seconds"]
                                                 + cold["seconds_per_text"] * result["distinct_texts"])
        if live:
            result["live"] = measure_live(retriever, live_entries(own.entries, LIVE_UPDATES, random.Random(SEED)))
    return result


def run_child(size: int, live: bool) -> dict[str, Any]:
    """Measure one size in a fresh process; add the process's peak RSS."""
    with tempfile.TemporaryDirectory(prefix="bench-scale-out-") as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "bench.scaling", "--child", "--size", str(size), "--out", str(out)]
        process = subprocess.Popen([*command, *(["--live"] if live else [])], cwd=PROJECT_ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not out.exists():
            raise RuntimeError(f"measuring {size} entries failed (exit status {os.waitstatus_to_exitcode(status)})")
        result = json.loads(out.read_text())
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    return result


@dataclass(frozen=True)
class ScalingRun:
    """The measurements of every size, the real-only knowledge base first."""

    sizes: list[dict[str, Any]]

    @property
    def live(self) -> dict[str, Any] | None:
        """The live-update measurement (taken at one size)."""
        return next((s["live"] for s in self.sizes if "live" in s), None)


def run_scaling(sizes: Sequence[int], progress: bool = True) -> ScalingRun:
    """Measure the real knowledge base alone, then every size; live updates at LIVE_SIZE (or the smallest)."""
    live_size = LIVE_SIZE if LIVE_SIZE in sizes else min(sizes, default=0)
    results = []
    for size in [0, *sizes]:
        if progress:
            print(f"[bench] scaling: measuring {size or 'the real'} entries in a subprocess…", file=sys.stderr)
        results.append(run_child(size, live=size == live_size))
    return ScalingRun(results)


def scaling_tables(run: ScalingRun) -> str:
    """The scaling and live-update tables in Markdown, with how the cold builds were estimated."""
    rows = []
    for s in run.sizes:
        label = (f"{s['size']:,} ({s['real']} real + {s['synthetic']:,} synthetic)" if s["synthetic"]
                 else f"{s['size']:,} (real only)")
        rows.append([
            label, f"{s['vectors']:,}", num(s["build_warm_seconds"], 1),
            f"≈ {s['build_cold_estimate_seconds']:,.0f} (estimate)",
            f"{ms(s['latency_ms']['p50'])} / {ms(s['latency_ms']['p95'])}",
            f"{num(s['hit@1_vnpt'])} ({num(s['same_answer@1_vnpt'])})",
            f"{num(s['hit@1_own'])} ({num(s['same_answer@1_own'])})", num(s["oos_abstained"]), num(s["in_scope_kept"]),
            f"{s['peak_rss_mb']:,.0f}",
        ])
    lines = [markdown_table(
        ["entries", "vectors", "build, warm cache (s)", "build, cold (s)", "query p50 / p95 (ms)",
         "hit@1 VNPT (same answer)", "hit@1 own (same answer)", "OOS abstained", "in-scope kept",
         "peak RSS (MB)"], rows), ""]
    lines.append("- hit@1 counts the real expected entry only; in brackets, a synthetic copy of it (same answer, "
                 "perturbed question) also counts.")
    for s in run.sizes:
        sample, fill = s["cold_sample"], s["fill"]
        lines.append(
            f"- {s['size']:,} entries: cold = warm build + {s['distinct_texts']:,} distinct texts × "
            f"{sample['seconds_per_text'] * 1000:.0f} ms per text, measured by building {sample['entries']} random "
            f"entries ({sample['texts']} texts) with an empty cache ({sample['cold_seconds']:.1f} s cold, "
            f"{sample['warm_seconds']:.2f} s warm). This run embedded {fill['encoded']:,.0f} texts missing from "
            f"the bench cache in {fill['seconds']:.0f} s.")
    live = run.live
    if live:
        lines += ["", markdown_table(
            ["live update on the loaded index", "median (ms)", "p95 (ms)", "n"],
            [[f"upsert a new entry, embeddings not cached ({live['texts_per_entry']:.1f} texts to embed)",
              ms(live["upsert_cold_ms"]["p50"]), ms(live["upsert_cold_ms"]["p95"]), str(live["n"])],
             ["upsert the same entry again, embeddings cached (index update only)",
              ms(live["upsert_warm_ms"]["p50"]), ms(live["upsert_warm_ms"]["p95"]), str(live["n"])],
             ["remove an entry", ms(live["remove_ms"]["p50"]), ms(live["remove_ms"]["p95"]), str(live["n"])]]),
            "", f"After each upsert the new entry was among the top 3 for its own question "
                f"{live['found_top3']}/{live['n']} times."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """`--child`: measure one size into `--out`; otherwise measure every size and print the tables."""
    parser = argparse.ArgumentParser(description="Retrieval scaling benchmark")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated knowledge-base sizes")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--live", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = measure_size(args.size, args.live)
        args.out.write_text(json.dumps(result))
        return 0
    print(scaling_tables(run_scaling([int(s) for s in args.sizes.split(",") if s.strip()])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
