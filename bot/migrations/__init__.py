"""Alembic migrations of the Trợ lý số database (run by `bot.db.migrate`)."""
