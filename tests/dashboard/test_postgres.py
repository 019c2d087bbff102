"""The database side of the dashboard on PostgreSQL: revisions under concurrent writers, lockout, gap reviews."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.accounts.lockout import sign_in
from bot.accounts.users import create_user
from bot.db import make_engine, migrate
from bot.gaps.drafts import DraftError, dismiss_items
from bot.knowledge.live import KnowledgeSync, current_revision, publish_change
from bot.models import utcnow
from bot.province import load_province
from bot.settings import Settings
from tests.dashboard.test_live_sync import entry, retriever
from tests.postgres_server import PostgresServer, find_bin_dir


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl, postgres) not found: install Debian's postgresql package")
    server = PostgresServer(bin_dir)
    server.start()
    engine = make_engine(server.create_database())
    migrate(engine)
    yield engine
    engine.dispose()
    server.destroy()


def test_concurrent_publishers_get_consecutive_revisions_and_a_replica_sees_them_all(engine: Engine):
    start = current_revision(engine)
    held = retriever()
    sync = KnowledgeSync(held, since=start, engine=engine)

    def publish(number: int) -> int:
        with Session(engine) as session:
            revision = publish_change(session, "admin", "create", entry(f"kns-song-song-{number}", f"Câu {number}?"),
                                      "ky_nang_so.yml")
            session.commit()
            return revision

    with ThreadPoolExecutor(8) as pool:
        revisions = list(pool.map(publish, range(24)))
    assert sorted(revisions) == list(range(start + 1, start + 25))
    assert sorted(sync.refresh_if_changed().upserted) == sorted(f"kns-song-song-{n}" for n in range(24))
    assert all(f"kns-song-song-{n}" in held.entries for n in range(24))


def test_lockout_and_gap_reviews(engine: Engine):
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    create_user(engine, load_province(settings.communes_file), "pg_admin", "mật khẩu đủ dài", "ict_admin")
    now = utcnow()
    for _ in range(settings.dashboard_login_max_failures):
        assert not sign_in(engine, settings, "pg_admin", "sai", "10.0.0.1", now).ok
    assert sign_in(engine, settings, "pg_admin", "mật khẩu đủ dài", "10.0.0.1", now).locked_until is not None
    later = now + timedelta(minutes=settings.dashboard_lockout_minutes, seconds=1)
    assert sign_in(engine, settings, "pg_admin", "mật khẩu đủ dài", "10.0.0.1", later).ok
    dismiss_items(engine, ["q:4242"], "ngoài phạm vi", "pg_admin")
    with pytest.raises(DraftError):
        dismiss_items(engine, ["q:4242"], "lần nữa", "pg_admin")
