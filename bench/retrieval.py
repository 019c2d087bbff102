"""The retrieval benchmark (`make bench`): the engine against its baselines, scaling and live updates.

    .venv/bin/python -m bench.retrieval [--quick] [--skip-rasa] [--sizes 1000,10000]

Prints Markdown: quality on VNPT Money's FAQ and on the project's own knowledge base (this engine,
the engine with RRF fusion, BM25 alone, dense alone, the plain Rasa FAQ bot), the hit@1 gaps, then
build time, latency, hit@1 and peak memory at growing sizes, and the cost of a live update.
`--quick` (for development) skips the Rasa FAQ bot and the sizes of 10,000 entries or more.
Progress goes to standard error; the report to standard output.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench.datasets import holdout_dataset, own_dataset, vnpt_dataset
from bench.headline import headline_tables, run_headlines
from bench.machine import load_average, machine_line
from bench.quality import gap_table, quality_table, run_quality
from bench.scaling import run_scaling, scaling_tables
from bot.settings import Settings

QUICK_MAX_SIZE = 10_000


def parse_sizes(text: str) -> list[int]:
    """Comma-separated positive sizes, e.g. "1000,10000"."""
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if any(size <= 0 for size in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description="Retrieval benchmark (Markdown report on standard output)")
    parser.add_argument("--quick", action="store_true", help="no Rasa FAQ bot, no size of 10,000 entries or more")
    parser.add_argument("--skip-rasa", action="store_true", help="leave out the plain Rasa FAQ bot")
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10_000], help="knowledge-base sizes to scale to")
    args = parser.parse_args(argv)
    sizes = [s for s in args.sizes if s < QUICK_MAX_SIZE] if args.quick else args.sizes
    with_rasa = not (args.quick or args.skip_rasa)
    started = time.perf_counter()
    load_before = load_average()
    settings = Settings()
    out = ["# Retrieval benchmark", "", f"Machine: {machine_line()}", ""]
    out += ["## Headline: what citizens get, per question set", "", headline_tables(run_headlines(settings)), ""]
    datasets = [vnpt_dataset(), own_dataset(), holdout_dataset()]
    runs = [run_quality(dataset, settings, with_rasa) for dataset in datasets if dataset is not None]
    for run in runs:
        out += [f"## Quality: {run.dataset.name} ({len(run.dataset.entries)} entries)", "", quality_table(run), ""]
    out += ["## hit@1 gap: this engine minus the baselines", "", gap_table(runs), ""]
    scaling = run_scaling(sizes)
    out += ["## Scaling (VNPT Money + own knowledge base + perturbed copies; all real questions)", "",
            scaling_tables(scaling), ""]
    out += [f"Load average (1/5/15 min) at start {load_before}, at end {load_average()}; "
            f"the whole run took {(time.perf_counter() - started) / 60:.1f} min."]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
