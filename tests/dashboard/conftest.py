"""Fixtures of the dashboard tests: a gateway on a fresh database and a copy of the knowledge base, users."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.accounts.users import create_user
from bot.db import make_engine, migrate
from bot.delivery import ChannelNotifier, WebInboxNotifier
from bot.gaps.reporter import GapReporter
from bot.gateway import create_app
from bot.models import utcnow
from bot.province import load_province
from bot.settings import PROJECT_ROOT, Settings
from tests.dashboard.helpers import PASSWORD
from tests.escalations.helpers import RecordingNotifier, WordEmbedder
from tests.processes import free_port


class Clock:
    """A clock the test moves by hand (starts at the real time)."""

    def __init__(self) -> None:
        self.now: datetime = utcnow()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """A private copy of the project's knowledge base (approvals write into it)."""
    target = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", target)
    return target


ACCOUNTS = {"admin": ("ict_admin", None), "viewer": ("viewer", None), "tanlap_lan": ("team_member", "SL03"),
            "tanlap_hung": ("team_member", "SL03"), "sonlam_huong": ("team_member", "SL01")}
"""One account per role: an ICT admin, a viewer, and team members of Tân Lập (SL03) and Sơn Lâm (SL01)."""


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database with the test accounts, copied by each test (password hashing is slow)."""
    path = tmp_path_factory.mktemp("template") / "dashboard.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    province = load_province(PROJECT_ROOT / "config" / "communes.yml")
    for username, (role, commune) in ACCOUNTS.items():
        create_user(engine, province, username, PASSWORD, role, commune_code=commune)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def settings(tmp_path: Path, knowledge_dir: Path, template_database: Path) -> Settings:
    shutil.copy(template_database, tmp_path / "dashboard.db")
    return Settings(database_url=f"sqlite:///{tmp_path / 'dashboard.db'}", rasa_url=f"http://127.0.0.1:{free_port()}",
                    knowledge_dir=knowledge_dir, dashboard_secret_key="test-secret-key", pseudonym_key="test-key",
                    escalation_outbox_path=tmp_path / "outbox.jsonl", telegram_bot_token=None)


@pytest.fixture
def telegram() -> RecordingNotifier:
    """What the dashboard sends to Telegram citizens."""
    return RecordingNotifier()


@pytest.fixture
def app(settings: Settings, tmp_path: Path, telegram: RecordingNotifier) -> FastAPI:
    """The gateway with a fast deterministic embedder for gap clustering and a recording Telegram notifier."""
    app = create_app(settings)
    services = app.state.dashboard
    services.gaps = GapReporter(settings, services.engine, services.knowledge, embedder=WordEmbedder(),
                               cache_path=tmp_path / "embeddings.sqlite")
    services.notifier = ChannelNotifier({"web": WebInboxNotifier(services.engine), "telegram": telegram})
    services.clock = Clock()
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser-like client (the gateway's start-up migrates the database)."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def users(client: TestClient) -> dict[str, str]:
    """The test accounts (username → role), present in the test database."""
    return {username: role for username, (role, _) in ACCOUNTS.items()}


@pytest.fixture
def browser_for(app: FastAPI, client: TestClient, users: dict[str, str]):
    """`browser_for("admin")`: a separate signed-in client for that user."""
    from tests.dashboard.helpers import login

    def make(username: str) -> TestClient:
        other = TestClient(app)
        response = login(other, username)
        assert response.status_code == 303, response.text
        return other

    return make
