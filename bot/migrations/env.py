"""Alembic environment: migrates the connection handed over by `bot.db.migrate`, else the configured database."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from bot.db import is_project_table
from bot.models import Base, UTCDateTime


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write the project's UTC timestamp type as a plain timezone-aware DateTime in migration scripts."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations(connection: Connection) -> None:
    """Run the pending migrations on `connection` (SQLite alters tables in batch mode)."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        include_name=is_project_table,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    """Entry point called by Alembic."""
    if context.is_offline_mode():
        raise SystemExit("offline (SQL script) migrations are not supported; run them against a database")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    from bot.db import make_engine
    from bot.settings import get_settings

    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or get_settings().database_url)
    with engine.begin() as connection:
        run_migrations(connection)
    engine.dispose()


main()
