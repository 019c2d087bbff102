"""Escalations created per second on SQLite and PostgreSQL (issue 7).

    .venv/bin/python -m bench.escalations [--count 300] [--threads 4] [--postgres-url URL]

Without --postgres-url a throwaway local PostgreSQL server (durable settings, fsync on) is started when
Debian's PostgreSQL binaries are installed. Each run uses a fresh database; no embedder (deduplication
is measured separately by the tests), so the figure is the storage path: validation, cluster, commit.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.db import make_engine, migrate
from bot.escalations.intake import EscalationRequest, submit_escalation
from bot.settings import Settings
from tests.postgres_server import PostgresServer, find_bin_dir


def measure(url: str, count: int, threads: int, outbox: Path) -> float:
    """Escalations per second for `count` submissions spread over `threads` threads."""
    settings = Settings(database_url=url, escalation_outbox_path=outbox)
    engine = make_engine(url)
    migrate(engine)

    def submit(number: int) -> str:
        request = EscalationRequest(channel="web", chat_id=f"bench-{number}", question=f"Câu hỏi thử số {number}",
                                    transcript=[("citizen", "xin chào")], commune_code="SL03",
                                    phone="0912345678", consent=True, topic=None)
        return submit_escalation(request, engine=engine, settings=settings)

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
    try:
        for name, new_url in targets.items():
            for threads in sorted({1, args.threads}):
                rate = measure(new_url(), args.count, threads, work / f"outbox-{name}-{threads}.jsonl")
                print(f"{name:10} threads={threads}  {rate:7.1f} escalations/s  ({args.count} escalations)")
    finally:
        if server is not None:
            server.destroy()


if __name__ == "__main__":
    main()
