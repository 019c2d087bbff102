"""Migrations and the typed models, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from bot.db import MIGRATIONS_DIR, make_engine, migrate
from bot.models import Cluster, Escalation, EscalationContact, QuestionLog
from bot.settings import Settings

TABLES = {"escalations", "escalation_contacts", "clusters", "question_log", "feedback", "web_messages",
          "outbox_replays", "audit_log", "alembic_version"}


def test_concurrent_migrations_on_an_empty_database_all_succeed(settings: Settings) -> None:
    engines = [make_engine(settings.database_url) for _ in range(3)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(engines))

    def run(engine: Engine) -> None:
        barrier.wait()
        try:
            migrate(engine)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(inspect(engines[0]).get_table_names()) >= TABLES
    with engines[0].connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()]
    for engine in engines:
        engine.dispose()


def test_timestamps_round_trip_as_aware_utc(engine: Engine) -> None:
    local = datetime(2025, 7, 1, 9, 30, tzinfo=timezone(timedelta(hours=7)))
    with Session(engine) as session:
        cluster = Cluster(commune_code="SL03", created_at=local)
        session.add(cluster)
        session.commit()
        cluster_id = cluster.id
    with Session(engine) as session:
        stored = session.get(Cluster, cluster_id).created_at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == datetime(2025, 7, 1, 2, 30, tzinfo=UTC)


def test_escalation_with_contact_and_json_columns(engine: Engine) -> None:
    with Session(engine) as session:
        cluster = Cluster(commune_code="SL03")
        session.add(cluster)
        session.flush()
        row = Escalation(ticket_code="TL-ABCDE", request_id="r-1", channel="web", chat_id="s", question="Hỏi?",
                         transcript=[["citizen", "Hỏi?"]], commune_code="SL03", cluster_id=cluster.id,
                         phone_masked="091****678")
        session.add(row)
        session.flush()
        session.add(EscalationContact(escalation_id=row.id, phone="0912345678"))
        session.add(QuestionLog(channel="web", sender="x", text="q", decision="abstain", confidence=0.5,
                                scores={"dense": 0.7, "top": ["a", "b"]}))
        session.commit()
    with Session(engine) as session:
        stored = session.scalar(select(Escalation))
        assert stored.status == "open" and stored.transcript == [["citizen", "Hỏi?"]]
        assert stored.created_at.tzinfo is not None
        assert session.scalar(select(QuestionLog.scores)) == {"dense": 0.7, "top": ["a", "b"]}
        assert session.scalar(select(EscalationContact.phone)) == "0912345678"
