"""Rasa's SQL tracker store, with its database connections checked before use.

Rasa 3.6's `SQLTrackerStore` keeps pooled connections without checking them. After PostgreSQL restarts, the next
read of a conversation fails on a dead connection, and Rasa (its `FailSafeTrackerStore`) then answers from an
empty in-memory tracker: the citizen's conversation, a form in progress included, is read as a new one (seen in
`tests/integration/test_replicas.py`). With `pool_pre_ping` each connection is tested when taken from the pool
and replaced when dead, so the first message after a restart finds its conversation.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs


class ReconnectingSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` on an engine with `pool_pre_ping`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's own set-up (tables created, connection retried while the database starts), then the same
        database on a pre-pinging engine."""
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
