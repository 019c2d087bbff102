"""Load benchmark: N concurrent web conversations through `POST /api/chat` over loopback.

    .venv/bin/python -m bench.load [--chats 20 100 200] [--seconds 60] [--url http://127.0.0.1:8000]
                                   [--env RASA_REPLICAS=2 ...]

Without `--url` it starts its own `trolyso run` on free ports with a throwaway SQLite database (or what `--env`
sets, e.g. `DATABASE_URL=postgresql+psycopg://…`), the chat API's rate limits off, and reports the RSS of every
process of the stack. Each chat is a closed loop (the next message leaves when the reply arrived) through
conversations of a few messages: distinct questions drawn without repetition from the question sets
(`bench/data/queries_*.jsonl` and `../shared/eval`, read only), follow-ups from `bench/data/conversations.jsonl`,
a button of the last reply pressed now and then, and in one conversation out of `ESCALATION_EVERY` the
escalation form to the end. An error is a non-200 answer, an empty reply, or a failed request. Prints Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.chat_latency import percentile
from bench.machine import load_average, machine_line
from bot.settings import PROJECT_ROOT

QUESTION_FILES = (*sorted((PROJECT_ROOT / "bench" / "data").glob("queries_*.jsonl")),
                  PROJECT_ROOT.parent / "shared" / "eval" / "out_of_scope_dev.jsonl",
                  PROJECT_ROOT.parent / "shared" / "eval" / "vnpt_money" / "queries_dev.jsonl")
CONVERSATIONS_FILE = PROJECT_ROOT / "bench" / "data" / "conversations.jsonl"
ESCALATION_EVERY = 10
"""One conversation in this many goes through the escalation form."""
BUTTON_SHARE = 0.3
"""Share of turns that press a button of the last reply (when it has one) instead of typing."""
ESCALATION = ("chế độ thương binh liệt sĩ hưởng thế nào", "/affirm", "/affirm", "xa tan lap", "0912 345 678",
              "/affirm")
"""A question the knowledge base does not cover, then the form: confirm, commune, phone, consent."""
PROCESS_MARKERS = {"rasa": " run --enable-api", "actions": "rasa_sdk", "gateway": "uvicorn", "telegram": "telegram",
                   "zalo": "zalo"}
"""How each process of the stack is recognised in its command line."""


def read_jsonl(path: Path) -> list[dict]:
    """The records of a JSON-lines file ([] when it is missing)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def distinct_questions(seed: int) -> Iterator[str]:
    """Every question of the question sets once, shuffled, then again in another order (for long runs)."""
    questions = sorted({str(r["query"]) for path in QUESTION_FILES for r in read_jsonl(path) if r.get("query")})
    rng = random.Random(seed)
    while True:
        rng.shuffle(questions)
        yield from questions


@dataclass
class Tally:
    """What the chats measured."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    escalations: int = 0


class Chats:
    """The conversations of one run: a shared supply of questions and follow-ups, and the tally."""

    def __init__(self, url: str, seed: int) -> None:
        self.url = f"{url}/api/chat"
        self.questions = distinct_questions(seed)
        self.follow_ups = [str(r["second"]) for r in read_jsonl(CONVERSATIONS_FILE) if r.get("second")]
        self.rng = random.Random(seed)
        self.tally = Tally()

    async def _send(self, client: httpx.AsyncClient, session: str, text: str) -> list[dict]:
        """One message; its replies ([] counted as an error)."""
        started = time.perf_counter()
        try:
            response = await client.post(self.url, json={"session_id": session, "text": text})
            messages = response.json().get("messages", []) if response.status_code == 200 else []
        except (httpx.HTTPError, ValueError):
            messages = []
        self.tally.latencies_ms.append((time.perf_counter() - started) * 1000)
        if not messages:
            self.tally.errors += 1
        return messages

    def _turns(self, number: int) -> Iterator[str | None]:
        """The texts of one conversation; None = press a button of the last reply."""
        if number % ESCALATION_EVERY == ESCALATION_EVERY - 1:
            self.tally.escalations += 1
            yield from ESCALATION
            return
        for _ in range(self.rng.randint(2, 5)):
            roll = self.rng.random()
            if roll < BUTTON_SHARE:
                yield None
            elif roll < BUTTON_SHARE + 0.15 and self.follow_ups:
                yield self.rng.choice(self.follow_ups)
            else:
                yield next(self.questions)

    async def chat(self, client: httpx.AsyncClient, chat_number: int, deadline: float) -> None:
        """One simulated citizen: conversations one after another until the deadline."""
        number = chat_number
        while time.monotonic() < deadline:
            session = f"load-{uuid.uuid4().hex[:12]}"
            last: list[dict] = []
            for turn in self._turns(number):
                if time.monotonic() >= deadline:
                    return
                if turn is None:
                    buttons = [b["payload"] for m in last for b in m.get("buttons", [])]
                    turn = self.rng.choice(buttons) if buttons else next(self.questions)
                last = await self._send(client, session, turn)
            number += 1


async def run_load(url: str, chats: int, seconds: float, seed: int) -> tuple[Tally, float]:
    """`chats` concurrent chats for `seconds`; the tally and the elapsed time."""
    load = Chats(url, seed)
    limits = httpx.Limits(max_connections=chats, max_keepalive_connections=chats)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(*(load.chat(client, i, deadline) for i in range(chats)))
        return load.tally, time.monotonic() - started


def _rss_mb(pid: int) -> float:
    """The resident memory of one process in MB (0 when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0.0)


def rss_by_process(supervisor_pid: int | None) -> dict[str, float]:
    """Resident memory (MB) of each process the supervisor `supervisor_pid` started, its own children included
    (Sanic's worker under the action server), and of the supervisor itself."""
    if supervisor_pid is None:
        return {}
    from tests.processes import cmdline, descendants

    found = {"supervisor": _rss_mb(supervisor_pid)}
    below = descendants(supervisor_pid)
    children = below - {pid for child in below for pid in descendants(child)}
    for child in sorted(children):
        command = cmdline(child)
        name = next((n for n, marker in PROCESS_MARKERS.items() if marker in command), "other")
        found[name] = found.get(name, 0.0) + _rss_mb(child) + sum(_rss_mb(p) for p in descendants(child))
    return found


def row(chats: int, tally: Tally, elapsed: float, rss: dict[str, float]) -> str:
    """One line of the table."""
    timings = tally.latencies_ms or [0.0]
    memory = ", ".join(f"{name} {mb:.0f}" for name, mb in sorted(rss.items())) or "n/a"
    total = f"{sum(rss.values()):.0f}" if rss else "n/a"
    return (f"| {chats} | {len(tally.latencies_ms)} | {len(tally.latencies_ms) / elapsed:.1f} "
            f"| {percentile(timings, 0.5):.0f} | {percentile(timings, 0.95):.0f} | {max(timings):.0f} "
            f"| {tally.errors} | {tally.escalations} | {memory} | {total} |")


def report(rows: list[str], seconds: float, configuration: str) -> str:
    """The Markdown report."""
    return "\n".join([
        f"## Load: concurrent web chats, {seconds:.0f} s each ({configuration})",
        "",
        machine_line(),
        f"load average before: {load_average()}",
        "",
        "| chats | messages | msg/s | p50 ms | p95 ms | max ms | errors | escalation forms | RSS MB by process "
        "| RSS MB total |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
    ])


def measure_all(url: str, chat_counts: list[int], seconds: float, supervisor_pid: int | None) -> list[str]:
    """One row per number of concurrent chats (a short warm-up first, not counted)."""
    asyncio.run(run_load(url, 2, min(5.0, seconds), seed=0))
    rows = []
    for index, chats in enumerate(chat_counts, start=1):
        tally, elapsed = asyncio.run(run_load(url, chats, seconds, seed=index))
        rows.append(row(chats, tally, elapsed, rss_by_process(supervisor_pid)))
        print(rows[-1], file=sys.stderr)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description="Concurrent web chats (Markdown on standard output)")
    parser.add_argument("--chats", type=int, nargs="+", default=[20, 100, 200])
    parser.add_argument("--seconds", type=float, default=60.0, help="duration of each run (shorten to try it)")
    parser.add_argument("--url", help="a running gateway (no RSS figures then); default: start one")
    parser.add_argument("--env", nargs="*", default=[], metavar="KEY=VALUE",
                        help="settings of the stack the benchmark starts (e.g. RASA_REPLICAS=2, DATABASE_URL=…)")
    args = parser.parse_args(argv)
    if args.url:
        rows = measure_all(args.url.rstrip("/"), args.chats, args.seconds, None)
        print(report(rows, args.seconds, f"gateway at {args.url}"))
        return 0
    from tests.processes import RunningAssistant

    extra = dict(item.split("=", 1) for item in args.env)
    with tempfile.TemporaryDirectory() as folder:
        environment = {"DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
                       "ESCALATION_OUTBOX_PATH": str(Path(folder) / "outbox.jsonl"),
                       "WEB_RATE_LIMIT_PER_MINUTE": "0", "WEB_ADDRESS_RATE_LIMIT_PER_MINUTE": "0", **extra}
        assistant = RunningAssistant(environment)
        print("starting the assistant…", file=sys.stderr)
        assistant.start()
        try:
            assert assistant.process is not None
            rows = measure_all(assistant.base_url, args.chats, args.seconds, assistant.process.pid)
        finally:
            assistant.stop()
    configuration = ", ".join(f"{k}={v}" for k, v in extra.items()) or "1 process of each, SQLite"
    print(report(rows, args.seconds, configuration))
    return 0


if __name__ == "__main__":
    sys.exit(main())
