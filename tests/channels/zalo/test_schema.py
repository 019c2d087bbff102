"""The migration creates the Zalo tables exactly as the models declare them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from bot.models import Base

ZALO_TABLES = {"zalo_chats", "zalo_oa_tokens"}


def test_the_zalo_tables_match_their_models(engine: Engine):
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diffs if any(table in repr(d) for table in ZALO_TABLES)] == []
    with engine.connect() as connection:
        assert set(engine.dialect.get_table_names(connection)) >= ZALO_TABLES
