"""End-to-end message latency: sequential `POST /api/chat` through the gateway, Rasa and the action server.

    .venv/bin/python -m bench.chat_latency [--messages 200] [--url http://127.0.0.1:8000]

Without `--url` it starts its own `trolyso run` on free ports with a throwaway SQLite database.
The messages cycle through a realistic mix: questions with and without diacritics (answered, clarified
or not known), short follow-ups, greetings, menu buttons and feedback. Prints Markdown.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.machine import load_average, machine_line

MIX = (
    "xin chào",
    "Quên mật khẩu đăng nhập VNeID thì lấy lại thế nào?",
    "thế còn vssid?",
    "/feedback_good",
    "cach cai vssid",
    "chuyen khoan nham thi lam sao",
    '/choose_topic{"topic":"ocop_tmdt"}',
    "làm sổ đỏ cho đất vườn mất bao lâu",
    "không cần",
    "cảm ơn",
)
"""One conversation; it is repeated in new sessions until the message count is reached."""


def percentile(values: list[float], share: float) -> float:
    """The `share` percentile (0–1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(url: str, count: int) -> list[float]:
    """Send `count` messages one after the other; return each round trip in milliseconds."""
    timings: list[float] = []
    with httpx.Client(timeout=60) as client:
        session = ""
        for index in range(count):
            if index % len(MIX) == 0:
                session = f"bench-{uuid.uuid4().hex[:10]}"
            started = time.perf_counter()
            response = client.post(f"{url}/api/chat", json={"session_id": session, "text": MIX[index % len(MIX)]})
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return timings


def report(timings: list[float]) -> str:
    """The Markdown report."""
    lines = [
        f"## Chat latency ({len(timings)} sequential messages)",
        "",
        machine_line(),
        f"load average before: {load_average()}",
        "",
        "| p50 | p95 | max | mean |",
        "|---|---|---|---|",
        f"| {percentile(timings, 0.5):.0f} ms | {percentile(timings, 0.95):.0f} ms | {max(timings):.0f} ms "
        f"| {statistics.fmean(timings):.0f} ms |",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description="End-to-end chat latency (Markdown on standard output)")
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--url", help="a running gateway; default: start one")
    args = parser.parse_args(argv)
    if args.url:
        print(report(measure(args.url.rstrip("/"), args.messages)))
        return 0
    from tests.processes import RunningAssistant

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        assistant = RunningAssistant({"DATABASE_URL": f"sqlite:///{database}",
                                      "ESCALATION_OUTBOX_PATH": str(Path(folder) / "outbox.jsonl")})
        print("starting the assistant…", file=sys.stderr)
        assistant.start()
        try:
            measure(assistant.base_url, len(MIX))  # warm-up, not counted
            print(report(measure(assistant.base_url, args.messages)))
        finally:
            assistant.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
