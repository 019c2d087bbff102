"""Parses queries with a trained Rasa FAQ model and writes the ResponseSelector's ranking of each.

Runs under `.venv-rasa/bin/python` (Python 3.10, only the standard library and Rasa):

    rasa_faq_worker.py MODEL [--queries FILE|-] [--out FILE|-] [--intent faq] [--top 10]

Input: JSON lines, each `{"query": "..."}` or a bare JSON string. Output: one JSON line per query,
in order, `{"ranking": [[entry_id, confidence], ...], "latency_ms": float}` (plus `"error"` when a
query could not be parsed), then `{"summary": {"load_seconds", "peak_rss_mb", "queries"}}`.
The model is loaded once and warmed with one parse before the timed ones, as in a running server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from typing import IO, Any

WARM_UP_TEXT = "xin chào"


def read_queries(stream: IO[str]) -> list[str]:
    """Queries from JSON lines (objects with `query`, or bare strings); blank lines skipped."""
    queries = []
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        value = json.loads(line)
        if isinstance(value, dict):
            value = value.get("query")
        if not isinstance(value, str):
            raise ValueError(f"line {number}: expected a string or an object with a string 'query'")
        queries.append(value)
    return queries


def ranking_of(parse_data: dict[str, Any], intent: str, top: int) -> list[list[Any]]:
    """The selector's ranking for `intent` as `[entry_id, confidence]` pairs, best first."""
    selector = (parse_data.get("response_selector") or {}).get(intent) or {}
    prefix = f"{intent}/"
    ranking = []
    for item in selector.get("ranking") or []:
        key = str(item.get("intent_response_key") or "")
        if key.startswith(prefix):
            ranking.append([key[len(prefix):], float(item.get("confidence") or 0.0)])
    ranking.sort(key=lambda pair: -pair[1])
    return ranking[:top]


async def parse_all(model: str, queries: list[str], intent: str, top: int, out: IO[str]) -> dict[str, Any]:
    """Load the model, parse every query, write one line per query; return the summary."""
    from rasa.core.agent import Agent

    started = time.perf_counter()
    agent = Agent.load(model)
    load_seconds = time.perf_counter() - started
    await agent.parse_message(WARM_UP_TEXT)
    for query in queries:
        record: dict[str, Any]
        started = time.perf_counter()
        try:
            parse_data = await agent.parse_message(query)
            record = {"ranking": ranking_of(parse_data, intent, top)}
        except Exception as exc:  # one bad query must not stop the run
            record = {"ranking": [], "error": f"{type(exc).__name__}: {exc}"}
        record["latency_ms"] = round((time.perf_counter() - started) * 1000, 3)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"load_seconds": round(load_seconds, 3), "peak_rss_mb": round(peak_kb / 1024, 1), "queries": len(queries)}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a model trained by `rasa train nlu` (.tar.gz)")
    parser.add_argument("--queries", default="-", help="JSON lines of queries, or - for standard input")
    parser.add_argument("--out", default="-", help="where to write the JSON lines, or - for standard output")
    parser.add_argument("--intent", default="faq", help="the retrieval intent whose ranking to report")
    parser.add_argument("--top", type=int, default=10, help="how many ranked entries to keep per query")
    args = parser.parse_args(argv)
    if args.queries == "-":
        queries = read_queries(sys.stdin)
    else:
        with open(args.queries, encoding="utf-8") as stream:
            queries = read_queries(stream)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        summary = asyncio.run(parse_all(args.model, queries, args.intent, args.top, out))
        out.write(json.dumps({"summary": summary}) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
