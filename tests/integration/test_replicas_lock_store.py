"""The lock store of several Rasa replicas, on a real Redis: Rasa's own `RedisLockStore` hands the same ticket to
several replicas at once (its read-change-write is not atomic), `rasa_stores`' atomic one never does, and removes
every ticket and the lock itself once all are served."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest

from bot.rasa_model import rasa_env
from bot.settings import PROJECT_ROOT
from tests.redis_server import RedisServer, find_redis_server

pytestmark = [pytest.mark.integration, pytest.mark.servers]

RACE = """
import json, sys, threading
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from rasa_stores.redis_lock_store import AtomicRedisLockStore

port, kind = int(sys.argv[1]), sys.argv[2]
conversation = f"web:race-{kind}"
tickets, barrier = [], threading.Barrier(8)

def store():
    if kind == "atomic":
        return AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=port, db=0, key_prefix="trolyso"))
    return RedisLockStore(host="127.0.0.1", port=port, db=0, key_prefix="trolyso")

def replica():  # one replica's store, issuing 25 tickets for one conversation, then finishing them
    mine, own = [], store()
    barrier.wait()
    for _ in range(25):
        mine.append(own.issue_ticket(conversation, 600))
    tickets.extend(mine)
    barrier.wait()
    for ticket in mine:
        own.cleanup(conversation, ticket)

threads = [threading.Thread(target=replica) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"issued": len(tickets), "distinct": len(set(tickets)),
                  "left": store().get_lock(conversation) is not None}))
"""


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    executable = find_redis_server()
    if executable is None:
        pytest.fail("redis-server is needed (Debian's redis-server: scripts/setup.sh installs it)")
    server = RedisServer(executable)
    server.start()
    yield server
    server.destroy()


def race(redis: RedisServer, kind: str) -> dict[str, int]:
    result = subprocess.run([str(PROJECT_ROOT / ".venv-rasa" / "bin" / "python"), "-c", RACE, str(redis.port), kind],
                            cwd=PROJECT_ROOT, env=rasa_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    found: dict[str, int] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_rasas_own_redis_lock_store_gives_one_ticket_to_several_replicas(redis: RedisServer):
    found = race(redis, "stock")
    assert found["issued"] == 200 and found["distinct"] < 200


def test_the_atomic_lock_store_gives_every_replica_its_own_ticket_and_cleans_up(redis: RedisServer):
    assert race(redis, "atomic") == {"issued": 200, "distinct": 200, "left": False}
