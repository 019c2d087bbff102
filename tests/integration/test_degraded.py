"""The degraded mode with real processes: while the action server cannot answer, every message still gets a
reply (answered from the gateway's own retriever when possible), and no escalation is lost."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import httpx
import pytest

from bot.conversation.degraded import BUSY_TEXT
from bot.escalations.intake import escalation_status
from bot.settings import Settings
from tests.integration.test_conversation import TICKET, Chat, text_of
from tests.processes import RunningAssistant, descendants

pytestmark = pytest.mark.integration

GATEWAY_WAITS_FOR_RASA = 5
"""The gateway's Rasa timeout here: a message stuck behind a hung action server turns degraded after it."""


@pytest.fixture(scope="module")
def degraded_assistant() -> Iterator[RunningAssistant]:
    running = RunningAssistant({"RASA_TIMEOUT_SECONDS": str(GATEWAY_WAITS_FOR_RASA),
                                "DEGRADED_ANSWERER_WAIT_SECONDS": "120"})
    running.start()
    yield running
    running.stop()


def escalate_until_commune(chat: Chat, question: str) -> None:
    """Ask what the knowledge base does not cover and accept the offer, up to the question of the commune."""
    chat.send(question)
    chat.send("/affirm")
    assert "xã/phường" in text_of(chat.send("/affirm"))


def finish_escalation(chat: Chat) -> str:
    """Name the commune, give a phone number, consent: the ticket code."""
    assert "số điện thoại" in text_of(chat.send("xa tan lap"))
    consent = chat.send("0912 345 678")
    done = chat.send("/affirm")
    codes = set(TICKET.findall(text_of(done)))
    assert len(codes) == 1, (consent, done)
    return codes.pop()


def wait_until_answering(assistant: RunningAssistant, timeout: float = 180) -> None:
    """Wait until Rasa answers a question through the (new) action server again, asked directly with a long
    timeout (its first answer waits for the retriever to be built)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            answer = httpx.post(f"http://127.0.0.1:{assistant.rasa_port}/webhooks/rest/webhook",
                                json={"sender": "web:probe", "message": "cách cài vssid"}, timeout=120)
            if answer.status_code == 200 and answer.json():
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError("the action server did not come back")


def test_replies_keep_coming_while_the_action_server_is_down_and_no_escalation_is_lost(
        degraded_assistant: RunningAssistant):
    before = Chat(degraded_assistant)
    escalate_until_commune(before, "chế độ thương binh liệt sĩ hưởng thế nào")
    stored = finish_escalation(before)
    in_form = Chat(degraded_assistant)
    escalate_until_commune(in_form, "chế độ thương binh liệt sĩ hưởng thế nào, tôi hỏi cho bố tôi")

    main = degraded_assistant.child_pid("rasa_sdk")
    actions = [main, *descendants(main)]  # Sanic's main process and the worker that serves the requests
    for pid in actions:
        os.kill(pid, signal.SIGSTOP)  # hung: Rasa's calls to it never return
    try:
        knowledge = Chat(degraded_assistant).send("quên mật khẩu VNeID thì lấy lại thế nào")
        assert "VNeID" in text_of(knowledge) and text_of(knowledge) != BUSY_TEXT  # from the gateway's retriever
        assert all(b["payload"].startswith("/choose_entry") for m in knowledge for b in m["buttons"])
        assert text_of(Chat(degraded_assistant).send("asdkjh qwe zxc")) == BUSY_TEXT
        assert text_of(in_form.send("xa tan lap")) == BUSY_TEXT  # the form needs the action server: busy
        assert degraded_assistant.wait_for_output("degraded reply", timeout=5)
    finally:
        for pid in actions:
            os.kill(pid, signal.SIGKILL)  # the supervisor starts a new one

    wait_until_answering(degraded_assistant)
    status = escalation_status(stored, engine=RunningAssistant.database(), settings=Settings())
    assert status is not None and status.status == "open"
    resumed = finish_escalation(in_form)  # the form goes on where it was: the commune is asked for, not re-asked
    status = escalation_status(resumed, engine=RunningAssistant.database(), settings=Settings())
    assert status is not None and status.commune_code == "SL03"
