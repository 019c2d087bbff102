"""The Rasa endpoints file generated from the settings: stores, lock store, action servers per replica."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest

from bot.rasa_endpoints import endpoints_path, endpoints_text, tracker_store_url, write_endpoints
from bot.rasa_model import rasa_env
from bot.run import banner, child_specs, replica_problem
from bot.settings import PROJECT_ROOT, Settings


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_sqlite_under_var_by_default():
    assert tracker_store_url(settings(database_url="sqlite:////tmp/x.db")) == \
        f"sqlite:///{PROJECT_ROOT / 'var' / 'rasa-tracker.db'}"


def test_the_postgresql_database_by_default_with_rasas_driver():
    url = "postgresql+psycopg://app:s3cr%40t@db:5432/trolyso"
    assert tracker_store_url(settings(database_url=url)) == "postgresql+psycopg2://app:s3cr%40t@db:5432/trolyso"


def test_tracker_store_url_wins():
    chosen = settings(database_url="postgresql+psycopg://a@db/x", tracker_store_url="postgresql://r@db2/rasa")
    assert tracker_store_url(chosen) == "postgresql+psycopg2://r@db2/rasa"
    assert tracker_store_url(settings(tracker_store_url="sqlite:////srv/t.db")) == "sqlite:////srv/t.db"


def test_no_lock_store_without_redis_and_a_redis_one_with_it():
    assert "lock_store" not in endpoints_text(settings())
    text = endpoints_text(settings(redis_url="redis://:p%24ss@cache:6380/2"))
    assert 'url: "cache"' in text and "port: 6380" in text and "db: 2" in text
    assert 'password: "p$ss"' in text  # quoted: Rasa never expands it as a variable


def test_the_file_is_private_and_named_after_its_content(tmp_path: Path):
    one = write_endpoints(settings(redis_url="redis://127.0.0.1:6379/0"))
    other = write_endpoints(settings())
    assert one == endpoints_path(settings(redis_url="redis://127.0.0.1:6379/0"))  # where the Rasa specs point
    assert one.parent == PROJECT_ROOT / "var" / "rasa" and one != other and one.read_text() != other.read_text()
    assert stat.S_IMODE(one.stat().st_mode) == 0o600
    assert write_endpoints(settings(redis_url="redis://127.0.0.1:6379/0")) == one
    chosen = write_endpoints(settings(), tmp_path / "conf" / "endpoints.yml")
    assert chosen == tmp_path / "conf" / "endpoints.yml" and chosen.read_text() == other.read_text()
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o600


def test_each_rasa_replica_calls_action_server_i_mod_n(tmp_path: Path):
    chosen = settings(rasa_url="http://127.0.0.1:7005", rasa_replicas=3, action_server_port=7055,
                      action_server_replicas=2, telegram_bot_token=None)
    specs = {spec.name: spec for spec in child_specs(chosen, tmp_path / "endpoints.yml")}
    assert sorted(specs) == ["actions-1", "actions-2", "gateway", "rasa-1", "rasa-2", "rasa-3"]
    assert [specs[f"rasa-{i}"].env["ACTION_ENDPOINT_URL"] for i in (1, 2, 3)] == [
        "http://127.0.0.1:7055/webhook", "http://127.0.0.1:7056/webhook", "http://127.0.0.1:7055/webhook"]
    assert [specs[f"rasa-{i}"].health_url for i in (1, 2, 3)] == [
        f"http://127.0.0.1:{port}/status" for port in (7005, 7006, 7007)]
    assert specs["actions-2"].health_url == "http://127.0.0.1:7056/health"
    assert chosen.rasa_urls == ["http://127.0.0.1:7005", "http://127.0.0.1:7006", "http://127.0.0.1:7007"]


def test_one_replica_keeps_the_plain_names():
    chosen = settings(telegram_bot_token=None)
    specs = child_specs(chosen)
    assert [spec.name for spec in specs] == ["actions", "rasa", "gateway"]
    assert str(endpoints_path(chosen)) in specs[1].argv


def test_listed_rasa_urls_are_the_replicas():
    listed = settings(rasa_url="http://rasa1:5005, http://rasa2:5005/")
    assert listed.rasa_urls == ["http://rasa1:5005", "http://rasa2:5005"] and listed.rasa_port == 5005


READ_WITH_RASA = """
import json, sys
from rasa.core.utils import AvailableEndpoints
from rasa.core.tracker_store import TrackerStore
from rasa.core.lock_store import LockStore
endpoints = AvailableEndpoints.read_endpoints(sys.argv[1])
store = TrackerStore.create(endpoints.tracker_store)
inner = getattr(store, "_tracker_store", store)
locks = LockStore.create(endpoints.lock_store)
print(json.dumps({"action": endpoints.action.url, "store": type(inner).__name__, "engine": str(inner.engine.url),
                  "pre_ping": inner.engine.pool._pre_ping,
                  "locks": type(locks).__name__, "redis": locks.red.connection_pool.connection_kwargs.get("port")
                  if hasattr(locks, "red") else None}))
"""


@pytest.mark.integration
def test_rasa_reads_the_generated_file(tmp_path: Path):
    """Rasa 3.6 itself reads the file: the action URL from the replica's environment, the reconnecting SQL tracker
    store on SQLite, and the atomic Redis lock store (created without connecting), both from `rasa_stores/`
    (Rasa would fall back to an in-memory store, silently, if it could not import them)."""
    tracker = tmp_path / "tracker.db"
    path = write_endpoints(settings(tracker_store_url=f"sqlite:///{tracker}", redis_url="redis://127.0.0.1:6390/1"),
                           tmp_path / "endpoints.yml")
    env = {**rasa_env(), "ACTION_ENDPOINT_URL": "http://127.0.0.1:5999/webhook"}
    result = subprocess.run([str(PROJECT_ROOT / ".venv-rasa" / "bin" / "python"), "-c", READ_WITH_RASA, str(path)],
                            env=env, capture_output=True, text=True, timeout=180, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    read = json.loads(result.stdout.strip().splitlines()[-1])
    assert read == {"action": "http://127.0.0.1:5999/webhook", "store": "ReconnectingSQLTrackerStore",
                    "engine": f"sqlite:///{tracker}", "pre_ping": True, "locks": "AtomicRedisLockStore",
                    "redis": 6390}
    assert tracker.exists()  # Rasa created its tables


def test_several_rasa_replicas_need_redis_and_the_banner_hides_passwords():
    assert replica_problem(settings(rasa_replicas=2)) is not None
    assert replica_problem(settings(rasa_replicas=2, redis_url="redis://127.0.0.1:6379/0")) is None
    assert replica_problem(settings()) is None
    shown = banner(settings(database_url="postgresql+psycopg://app:s3cret@db:5432/t",
                            redis_url="redis://:r3dis@cache:6379/0", rasa_replicas=2), [])
    assert "s3cret" not in shown and "r3dis" not in shown
    assert "postgresql+psycopg2://app:***@db:5432/t" in shown
    assert "http://127.0.0.1:5005, http://127.0.0.1:5006" in shown
