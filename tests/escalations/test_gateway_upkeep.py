"""The gateway migrates the database and replays the outbox on start (and keeps replaying it)."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from bot.db import make_engine
from bot.escalations.intake import outbox_for
from bot.escalations.persist import PendingEscalation
from bot.gateway import create_app
from bot.models import Escalation, utcnow
from bot.settings import Settings
from tests.processes import free_port


def test_gateway_start_migrates_and_replays_the_outbox(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'gateway.db'}",
                        rasa_url=f"http://127.0.0.1:{free_port()}",
                        escalation_outbox_path=tmp_path / "outbox.jsonl", outbox_replay_interval_seconds=0.2)
    outbox_for(settings).append(PendingEscalation(
        request_id="queued-during-outage", ticket_code="TL-8K3PQ", created_at=utcnow(), channel="web",
        chat_id="s-1", question="Xin hỗ trợ đăng ký VNeID", transcript=[], topic=None, commune_code="SL03",
        phone=None, consent=False))
    with TestClient(create_app(settings)):
        engine = make_engine(settings.database_url)
        assert "escalations" in inspect(engine).get_table_names()
        deadline = time.monotonic() + 10
        codes: list[str] = []
        while time.monotonic() < deadline and not codes:
            with Session(engine) as session:
                codes = list(session.scalars(select(Escalation.ticket_code)))
            time.sleep(0.1)
        assert codes == ["TL-8K3PQ"]
        assert outbox_for(settings).pending() == []
    engine.dispose()


def test_default_outbox_is_one_per_database() -> None:
    first = outbox_for(Settings(database_url="sqlite:////tmp/a.db")).path
    second = outbox_for(Settings(database_url="postgresql+psycopg://u:secret@db/trolyso")).path
    same_with_other_password = outbox_for(Settings(database_url="postgresql+psycopg://u:changed@db/trolyso")).path
    assert first != second and second == same_with_other_password
    assert first.parent == second.parent and "secret" not in str(second)
