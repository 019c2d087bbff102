"""Two Rasa replicas and two action servers on a real PostgreSQL (conversations, escalations) and a real Redis
(Rasa's lock store), all started by `trolyso run`: a conversation survives the loss of its replica, a Redis restart
and a PostgreSQL restart; two messages of one conversation sent at once to both replicas are handled one after the
other; a knowledge change reaches both action servers."""

from __future__ import annotations

import os
import signal
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.orm import Session

from bot.db import get_engine
from bot.knowledge.live import publish_change
from bot.knowledge.store import load_knowledge
from bot.rasa_client import replica_order
from bot.settings import PROJECT_ROOT, Settings
from tests.integration.form_steps import Chat, finish_the_form, reach_the_commune_question
from tests.postgres_server import PostgresServer, find_bin_dir
from tests.processes import RunningAssistant, free_port
from tests.redis_server import RedisServer, find_redis_server

pytestmark = [pytest.mark.integration, pytest.mark.servers]


def free_port_pair() -> int:
    """A port P of 127.0.0.1 such that nothing listens on P nor on P + 1 right now."""
    while True:
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


@dataclass
class Stack:
    assistant: RunningAssistant
    redis: RedisServer
    postgres: PostgresServer
    database_url: str
    first_rasa_port: int

    def settings(self) -> Settings:
        return Settings(database_url=self.database_url)

    def rasa_port(self, index: int) -> int:
        return self.first_rasa_port + index

    def rasa_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.rasa_port(index)}"


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    bin_dir, redis_server = find_bin_dir(), find_redis_server()
    if bin_dir is None or redis_server is None:
        pytest.fail("PostgreSQL and Redis are needed (Debian's postgresql and redis-server: scripts/setup.sh "
                    "installs them)")
    postgres, redis = PostgresServer(bin_dir), RedisServer(redis_server)
    postgres.start()
    redis.start()
    database_url = postgres.create_database()
    rasa_port, action_port = free_port_pair(), free_port_pair()
    assistant = RunningAssistant({
        "RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "ACTION_SERVER_PORT": str(action_port),
        "DATABASE_URL": database_url,
        "TRACKER_STORE_URL": "",  # the default: the PostgreSQL database of DATABASE_URL
        "REDIS_URL": redis.url,
        "RASA_REPLICAS": "2",
        "ACTION_SERVER_REPLICAS": "2",
    })
    try:
        assistant.start(timeout=900)
        yield Stack(assistant, redis, postgres, database_url, rasa_port)
    finally:
        assistant.stop()
        redis.destroy()
        postgres.destroy()
        get_engine(database_url).dispose()


def redis_commands(redis: RedisServer) -> int:
    """Commands the Redis server has processed since it started."""
    with socket.create_connection(("127.0.0.1", redis.port), timeout=2) as connection:
        connection.sendall(b"INFO stats\r\n")
        info = b""
        while b"total_commands_processed" not in info or not info.endswith(b"\r\n"):
            info += connection.recv(65536)
    line = next(line for line in info.decode().splitlines() if line.startswith("total_commands_processed:"))
    return int(line.split(":")[1])


def test_both_replicas_serve_the_shared_conversations(stack: Stack):
    banner = "\n".join(stack.assistant.output)
    for name in ("rasa-1", "rasa-2", "actions-1", "actions-2"):
        assert f"{name:<10}|" in banner
    before = redis_commands(stack.redis)
    chat = Chat(stack.assistant)
    assert chat.send("xin chào")
    assert redis_commands(stack.redis) > before  # Rasa locks the conversation in Redis
    tracker = httpx.get(f"{stack.rasa_url(1)}/conversations/web:{chat.session_id}/tracker", timeout=30).json()
    other = httpx.get(f"{stack.rasa_url(0)}/conversations/web:{chat.session_id}/tracker", timeout=30).json()
    assert [e["event"] for e in tracker["events"]] == [e["event"] for e in other["events"]]
    assert any(e["event"] == "user" and e["text"] == "xin chào" for e in tracker["events"])


def test_two_messages_at_once_on_both_replicas_are_handled_in_turn(stack: Stack):
    """Four conversations, each sent two messages at the same moment, one to each replica (as during a failover):
    every message is in the conversation, read and answered before the other one is read."""
    texts = ["xin chào", "cảm ơn bạn"]
    senders = [f"web:both-{uuid.uuid4().hex[:10]}" for _ in range(4)]
    barrier = threading.Barrier(2 * len(senders))
    answers: list[int] = []

    def post(sender: str, index: int) -> None:
        barrier.wait()
        response = httpx.post(f"{stack.rasa_url(index)}/webhooks/rest/webhook",
                              json={"sender": sender, "message": texts[index]}, timeout=120)
        answers.append(response.status_code)

    threads = [threading.Thread(target=post, args=(sender, i)) for sender in senders for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=150)
    assert answers == [200] * len(threads)
    for sender in senders:
        events = httpx.get(f"{stack.rasa_url(0)}/conversations/{sender}/tracker", timeout=30).json()["events"]
        turns = [e["text"] if e["event"] == "user" else e.get("name") for e in events
                 if e["event"] == "user" or (e["event"] == "action" and e.get("name") == "action_listen")]
        users = [turn for turn in turns if turn in texts]
        assert sorted(users) == sorted(texts), turns  # neither message was lost
        first, second = turns.index(users[0]), turns.index(users[1])
        assert "action_listen" in turns[first + 1:second] and turns[-1] == "action_listen", turns


def test_a_dashboard_change_reaches_both_action_servers(stack: Stack):
    """A knowledge change published in the shared database is answered by both action servers (rasa-1 calls
    actions-1, rasa-2 calls actions-2) without a restart."""
    entries = load_knowledge(PROJECT_ROOT / "knowledge").entries
    [located] = [e for e in entries if e.entry.id == "dvc-vneid-quen-mat-khau"]
    marker = "Cập nhật từ bảng điều khiển, bản thử nghiệm nhân bản."
    changed = located.entry.model_copy(update={"answer": f"{marker}\n{located.entry.answer}"})
    with Session(get_engine(stack.database_url)) as session, session.begin():
        publish_change(session, "test", "edit", changed, located.file)
    for replica in (0, 1):
        chat = Chat(stack.assistant)
        while replica_order(f"web:{chat.session_id}", 2)[0] != replica:
            chat = Chat(stack.assistant)
        assert marker in chat.send("Quên mật khẩu đăng nhập VNeID thì lấy lại thế nào?")


def test_a_conversation_goes_on_after_redis_restarts(stack: Stack):
    chat = Chat(stack.assistant)
    reach_the_commune_question(chat)
    stack.redis.stop()
    stack.redis.start()  # an empty Redis: every lock is gone
    finish_the_form(chat, stack.settings())


def test_a_conversation_goes_on_after_postgresql_restarts(stack: Stack):
    """The conversations' store restarts mid-form (its connections are cut): the next message still continues
    the form, on fresh connections."""
    chat = Chat(stack.assistant)
    reach_the_commune_question(chat)
    stack.postgres.stop()
    stack.postgres.start()
    finish_the_form(chat, stack.settings())


def test_the_form_continues_on_the_other_replica_when_its_own_is_killed(stack: Stack):
    chat = Chat(stack.assistant)
    reach_the_commune_question(chat)
    own = replica_order(f"web:{chat.session_id}", 2)[0]
    os.kill(stack.assistant.child_pid(f"--port {stack.rasa_port(own)} "), signal.SIGKILL)
    assert stack.assistant.wait_for_output(f"rasa-{own + 1} exited with code -9", timeout=15)
    finish_the_form(chat, stack.settings())  # at once, while the killed replica is still down
    assert stack.assistant.wait_for_output(f"rasa-{own + 1} is back (restart #1)", timeout=300)
