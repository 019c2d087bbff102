"""`trolyso run` restarts a crashed child and leaves no process behind on Ctrl-C."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from tests.processes import RunningAssistant, descendants, is_alive

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def own_assistant() -> Iterator[RunningAssistant]:
    running = RunningAssistant()
    running.start()
    yield running
    running.stop()


def test_killed_action_server_is_restarted(own_assistant: RunningAssistant):
    old_pid = own_assistant.child_pid("rasa_sdk")
    os.kill(old_pid, signal.SIGKILL)
    assert own_assistant.wait_for_output("actions exited with code -9", timeout=15)
    assert own_assistant.wait_for_output("actions is back (restart #1)", timeout=60)
    new_pid = own_assistant.child_pid("rasa_sdk")
    assert new_pid != old_pid
    assert own_assistant.healthz().json()["components"]["actions"] == "ok"


def test_ctrl_c_stops_every_process(own_assistant: RunningAssistant):
    assert own_assistant.process is not None
    tree = descendants(own_assistant.process.pid)
    assert len(tree) >= 3  # rasa, actions, gateway (and their workers)
    assert own_assistant.stop() == 0
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(is_alive(pid) for pid in tree):
        time.sleep(0.1)
    assert [pid for pid in tree if is_alive(pid)] == []
    assert own_assistant.wait_for_output("all processes stopped", timeout=1)
