"""Rasa's stored conversations are kept as long as the question log: whole conversations idle for longer are
deleted, conversations still going on are kept entirely (SQLite and PostgreSQL; the table as Rasa's
SQLTrackerStore declares it)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, func, insert, select

from bot.db import make_engine
from bot.models import utcnow
from bot.rasa_endpoints import purge_idle_conversations
from bot.settings import Settings
from bot.upkeep import purge_conversations

RASA_EVENTS = Table("events", MetaData(), Column("id", Integer, primary_key=True),
                    Column("sender_id", String(255), nullable=False, index=True),
                    Column("type_name", String(255), nullable=False), Column("timestamp", Float),
                    Column("intent_name", String(255)), Column("action_name", String(255)), Column("data", Text))


def test_idle_conversations_are_deleted_whole_and_live_ones_kept(db_url: str):
    engine = make_engine(db_url)
    assert purge_idle_conversations(engine, 180, utcnow()) == 0  # Rasa has not created its table yet
    RASA_EVENTS.metadata.create_all(engine)
    now = utcnow()
    old, recent = (now - timedelta(days=200)).timestamp(), (now - timedelta(days=2)).timestamp()
    rows = [("web:idle", old), ("web:idle", old + 60), ("web:live", old), ("web:live", recent), ("tg:1", recent)]
    with engine.begin() as connection:
        connection.execute(insert(RASA_EVENTS), [{"sender_id": sender, "type_name": "user", "timestamp": at,
                                                  "data": "{\"text\": \"0912345678\"}"} for sender, at in rows])
    assert purge_idle_conversations(engine, 180, now) == 2
    with engine.connect() as connection:
        left = connection.execute(select(RASA_EVENTS.c.sender_id, func.count()).group_by(RASA_EVENTS.c.sender_id))
        assert dict(left.all()) == {"web:live": 2, "tg:1": 1}
    engine.dispose()


def test_a_sqlite_store_not_created_yet_is_left_alone(tmp_path):
    missing = tmp_path / "rasa-tracker.db"
    settings = Settings(_env_file=None, tracker_store_url=f"sqlite:///{missing}")  # type: ignore[call-arg]
    assert purge_conversations(settings) == 0 and not missing.exists()


def test_migrations_leave_rasas_table_alone(db_url: str):
    """With Rasa's conversations in the project's database, autogenerate finds nothing to change (it would
    otherwise propose to drop `events`), and migrating again keeps the conversations."""
    from alembic import command
    from alembic.config import Config

    from bot.db import MIGRATIONS_DIR, migrate

    engine = make_engine(db_url)
    migrate(engine)
    RASA_EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(RASA_EVENTS), [{"sender_id": "web:x", "type_name": "user", "timestamp": 1.0}])
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.check(config)  # raises when the models and the database differ
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(RASA_EVENTS)).scalar() == 1
    engine.dispose()
