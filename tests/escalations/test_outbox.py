"""The durable outbox: escalations accepted during a database outage are written once it returns, exactly once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.db import make_engine, migrate
from bot.escalations.dedup import DedupRule
from bot.escalations.intake import escalation_status, outbox_for, replay_outbox, submit_escalation
from bot.escalations.outbox import Outbox
from bot.escalations.persist import PendingEscalation, store_escalation
from bot.models import Escalation, OutboxReplay, utcnow
from bot.settings import Settings
from tests.escalations.helpers import request
from tests.postgres_server import PostgresServer

RULE = DedupRule(0.9)

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def outage_db(
    request: pytest.FixtureRequest, tmp_path: Path, db_url: str
) -> Iterator[tuple[Settings, Engine, Callable[[], AbstractContextManager[None]]]]:
    """(settings, migrated engine, outage) where `with outage():` makes the database unreachable."""
    if db_url.startswith("sqlite"):
        folder = tmp_path / "db"
        folder.mkdir()
        url = f"sqlite:///{folder / 'trolyso.db'}"
    else:
        url = db_url
    settings = Settings(database_url=url, escalation_outbox_path=tmp_path / "var" / "outbox.jsonl",
                        pseudonym_key="k")
    engine = make_engine(url)
    migrate(engine)

    @contextmanager
    def outage() -> Iterator[None]:
        engine.dispose()
        if url.startswith("sqlite"):
            shutil.move(folder, tmp_path / "db-away")
            folder.write_text("not a folder")  # the database file can no longer be opened
            try:
                yield
            finally:
                folder.unlink()
                shutil.move(tmp_path / "db-away", folder)
        else:
            server: PostgresServer = request.getfixturevalue("postgres_server")
            server.stop()
            try:
                yield
            finally:
                server.start()

    yield settings, engine, outage
    engine.dispose()


def count(engine: Engine, model: type = Escalation) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_outage_then_recovery_writes_every_escalation_exactly_once(outage_db) -> None:
    settings, engine, outage = outage_db
    before = submit_escalation(request(chat_id="before"), engine=engine, settings=settings)
    with outage():
        during = [submit_escalation(request(question=f"Câu hỏi số {i}", chat_id=f"c{i}", phone="0987654321",
                                            consent=True), engine=engine, settings=settings) for i in range(5)]
        assert len(set(during)) == 5 and before not in during
        assert len(outbox_for(settings).pending()) == 5
        assert escalation_status(during[0], engine=engine, settings=settings).status == "open"
        assert replay_outbox(engine=engine, settings=settings) == 0  # still down: kept for later
    assert len(outbox_for(settings).pending()) == 5
    assert replay_outbox(engine=engine, settings=settings) == 5
    assert replay_outbox(engine=engine, settings=settings) == 0
    assert not settings.escalation_outbox_path.exists()
    with Session(engine) as session:
        rows = session.scalars(select(Escalation).order_by(Escalation.id)).all()
        assert [r.ticket_code for r in rows] == [before, *during]
        assert [r.source for r in rows] == ["direct"] + ["outbox"] * 5
        assert [r.chat_id for r in rows[1:]] == [f"c{i}" for i in range(5)]
        assert all(r.phone_masked == "098****321" for r in rows[1:])
    assert count(engine, OutboxReplay) == 5
    assert escalation_status(during[3], engine=engine, settings=settings).ticket_code == during[3]


def test_a_crash_in_the_middle_of_a_replay_loses_and_duplicates_nothing(outage_db) -> None:
    settings, engine, outage = outage_db
    with outage():
        codes = [submit_escalation(request(chat_id=f"c{i}"), engine=engine, settings=settings) for i in range(4)]
    crash = (
        "import os, sys\n"
        "from bot.escalations.intake import outbox_for\n"
        "from bot.escalations.dedup import DedupRule\n"
        "from bot.escalations.persist import store_escalation\n"
        "from bot.db import make_engine\nfrom bot.settings import Settings\n"
        "settings = Settings(); engine = make_engine(settings.database_url); done = []\n"
        "def write(pending):\n"
        "    store_escalation(engine, pending, DedupRule(0.93), from_outbox=True); done.append(1)\n"
        "    if len(done) == 2: os._exit(9)\n"
        "outbox_for(settings).replay(write)\n"
    )
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "ESCALATION_OUTBOX_PATH": str(settings.escalation_outbox_path)}
    result = subprocess.run([sys.executable, "-c", crash], env=env, cwd=PROJECT, timeout=120)
    assert result.returncode == 9
    assert count(engine) == 2
    later = submit_escalation(request(chat_id="later"), engine=engine, settings=settings)
    assert replay_outbox(engine=engine, settings=settings) == 4  # the two written before the crash are skipped
    with Session(engine) as session:
        stored = session.scalars(select(Escalation.ticket_code)).all()
    assert sorted(stored) == sorted([*codes, later])


def test_concurrent_replays_write_each_record_once(outage_db) -> None:
    settings, engine, outage = outage_db
    with outage():
        codes = {submit_escalation(request(chat_id=f"c{i}"), engine=engine, settings=settings) for i in range(6)}
    barrier = threading.Barrier(3)
    results: list[int] = []

    def replay() -> None:
        barrier.wait()
        results.append(replay_outbox(engine=engine, settings=settings))

    threads = [threading.Thread(target=replay) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.append(replay_outbox(engine=engine, settings=settings))
    assert sum(results) == 6
    with Session(engine) as session:
        assert set(session.scalars(select(Escalation.ticket_code)).all()) == codes
    assert count(engine) == 6


def pending(code: str, request_id: str = "req-1") -> PendingEscalation:
    return PendingEscalation(request_id=request_id, ticket_code=code, created_at=utcnow(), channel="web",
                             chat_id="s", question="Hỏi?", transcript=[], topic=None, commune_code="SL03",
                             phone=None, consent=False)


def test_storing_the_same_request_twice_is_idempotent(engine: Engine) -> None:
    assert store_escalation(engine, pending("TL-33333"), RULE, from_outbox=True) == "TL-33333"
    assert store_escalation(engine, pending("TL-33333"), RULE, from_outbox=True) == "TL-33333"
    assert count(engine) == 1


def test_replayed_code_already_taken_gets_a_new_code_and_the_old_still_works(engine: Engine,
                                                                              settings: Settings) -> None:
    store_escalation(engine, pending("TL-44444", "direct-1"), RULE)
    new_code = store_escalation(engine, pending("TL-44444", "outbox-1"), RULE, from_outbox=True)
    assert new_code != "TL-44444"
    view = escalation_status("TL-44444", engine=engine, settings=settings)
    assert view.ticket_code == "TL-44444"  # the direct one keeps its code
    with Session(engine) as session:
        moved = session.scalar(select(Escalation).where(Escalation.ticket_code == new_code))
        assert moved.replaced_code == "TL-44444" and moved.request_id == "outbox-1"


def test_a_torn_last_line_does_not_swallow_the_next_record(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.jsonl")
    outbox.append(pending("TL-55555", "a"))
    with open(outbox.path, "a", encoding="utf-8") as handle:
        handle.write('{"request_id": "torn", "ticket_')  # a crash while appending: never acknowledged
    outbox.append(pending("TL-66666", "b"))
    assert [p.ticket_code for p in outbox.pending()] == ["TL-55555", "TL-66666"]
    assert oct(outbox.path.stat().st_mode & 0o777) == "0o600"


def test_pending_record_round_trips_through_json() -> None:
    original = replace(pending("TL-77777"), embedding=b"\x00\x01\x02\x03", embedding_model="m", phone="0912345678")
    assert PendingEscalation.from_json(original.to_json()) == original
