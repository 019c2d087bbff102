"""The Telegram channel end to end: `trolyso run` with a bot token, the real Rasa and action servers,
and the fake Bot API server standing in for Telegram's cloud."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from bot.channels.telegram import texts
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.processes import PROJECT_ROOT, RunningAssistant, free_port

pytestmark = pytest.mark.integration

RATE_LIMIT = 4
TOPICS = ("dich_vu_cong", "thanh_toan_so", "bhyt_dien_tu", "ocop_tmdt", "ky_nang_so")
CHANNEL_TEXTS = {texts.RASA_DOWN, texts.SOMETHING_WRONG, texts.PLEASE_WAIT, texts.TEXT_ONLY}


@dataclass
class TelegramStack:
    """A running assistant whose Telegram channel talks to `fake`."""

    fake: FakeTelegram
    assistant: RunningAssistant
    health_port: int

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.assistant.rasa_port}"

    def health(self) -> httpx.Response:
        return httpx.get(f"http://127.0.0.1:{self.health_port}/health", timeout=5)

    def rasa_user_events(self, chat_id: int) -> list[dict[str, Any]]:
        """The user events Rasa recorded for sender `tg:<chat_id>`."""
        # Rasa does not percent-decode the conversation id: the colon goes in as it is
        tracker = httpx.get(f"{self.rasa_url}/conversations/tg:{chat_id}/tracker", timeout=10).json()
        return [event for event in tracker["events"] if event["event"] == "user"]

    def converse(self, chat_id: int, text: str, **kwargs: Any) -> list[SentMessage]:
        """Send `text` and return the replies, once the bot has been quiet for a moment."""
        before = len(self.fake.messages_to(chat_id))
        self.fake.send_text(chat_id, text, **kwargs)
        self.fake.wait_for_messages(chat_id, before + 1, timeout=60)
        return self.settled(chat_id)[before:]

    def settled(self, chat_id: int, quiet: float = 1.0) -> list[SentMessage]:
        """The messages to `chat_id` once no new one arrived for `quiet` seconds."""
        count = -1
        while count != len(self.fake.messages_to(chat_id)):
            count = len(self.fake.messages_to(chat_id))
            time.sleep(quiet)
        return self.fake.messages_to(chat_id)


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 60) -> dict[str, Any]:
    """Poll a channel process's health endpoint until it answers 200; return its JSON."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            if response.status_code == 200:
                return response.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the channel did not become healthy (exit code {process.poll()})")


@pytest.fixture(scope="module")
def stack() -> Iterator[TelegramStack]:
    with FakeTelegram() as fake:
        health_port = free_port()
        running = RunningAssistant(extra_env={
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.root_url,
            "TELEGRAM_HEALTH_PORT": str(health_port),
            "TELEGRAM_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
        })
        running.start()
        try:
            yield TelegramStack(fake, running, health_port)
        finally:
            running.stop()


def test_channel_runs_under_the_supervisor_and_polls(stack: TelegramStack):
    assert any("on, long polling" in line for line in stack.assistant.output)
    response = stack.health()
    assert response.status_code == 200
    assert response.json()["mode"] == "polling" and response.json()["bot"] == f"@{stack.fake.username}"
    stack.fake.wait_for_call("getUpdates")
    assert stack.fake.allowed_updates == ["message", "callback_query"]  # edited messages are never delivered
    assert [c["command"] for c in stack.fake.commands] == ["start", "help", "huy"]  # Telegram's command menu


def test_start_shows_the_topic_keyboard(stack: TelegramStack):
    (welcome,) = stack.converse(1001, "/start")
    assert "Trợ lý số" in welcome.visible_text
    assert [data for _title, data in welcome.buttons] == [f'/choose_topic{{"topic":"{t}"}}' for t in TOPICS]


@pytest.mark.parametrize(("chat_id", "greeting"), [(1002, "xin chào"), (1003, "xin chao")])
def test_greeting_is_answered_by_rasa(stack: TelegramStack, chat_id: int, greeting: str):
    replies = stack.converse(chat_id, greeting)
    assert replies and not {m.visible_text for m in replies} & CHANNEL_TEXTS
    assert any("Xin chào" in m.visible_text for m in replies)
    (event,) = stack.rasa_user_events(chat_id)
    assert event["text"] == greeting and event["parse_data"]["intent"]["name"] == "greet"
    assert {"chat_id": chat_id, "action": "typing"} in stack.fake.chat_actions


def test_question_is_answered_with_a_source_link(stack: TelegramStack):
    replies = stack.converse(1004, "cách đăng ký tài khoản định danh điện tử mức 2")
    assert any('<a href="https://' in m.text for m in replies)


def test_topic_button_sends_its_payload_to_rasa(stack: TelegramStack):
    (welcome,) = stack.converse(1005, "/start")
    title, payload = welcome.buttons[2]
    query_id = stack.fake.press_button(welcome, payload)
    stack.fake.wait_for_messages(1005, 2, timeout=60)
    assert query_id in [answer["callback_query_id"] for answer in stack.fake.callback_answers]
    assert [event["text"] for event in stack.rasa_user_events(1005)] == [payload]
    replies = stack.settled(1005)[1:]
    assert replies and not {m.visible_text for m in replies} & CHANNEL_TEXTS, title


def test_cancel_command_reaches_rasa(stack: TelegramStack):
    replies = stack.converse(1006, "/huy")
    assert replies and not {m.visible_text for m in replies} & CHANNEL_TEXTS
    assert [event["text"] for event in stack.rasa_user_events(1006)] == [texts.CANCEL_REQUEST]


def test_group_answers_only_when_addressed(stack: TelegramStack):
    group = -1001000000007
    in_group = {"chat_type": "supergroup", "user_id": 777}
    stack.fake.send_text(group, "xin chào cả nhà", **in_group)
    replies = stack.converse(group, f"@{stack.fake.username} xin chao", **in_group)
    assert any("Xin chào" in m.visible_text for m in replies)
    assert [event["text"] for event in stack.rasa_user_events(group)] == ["xin chao"]  # mention removed


def test_non_text_gets_a_polite_reply_and_text_still_works(stack: TelegramStack):
    stack.fake.send_media(1008, "voice")
    assert [m.visible_text for m in stack.fake.wait_for_messages(1008, 1)] == [texts.TEXT_ONLY]
    replies = stack.converse(1008, "xin chào")
    assert any("Xin chào" in m.visible_text for m in replies)


def test_edited_message_is_not_answered_again(stack: TelegramStack):
    message = stack.fake.send_text(1011, "xin chao")
    stack.fake.wait_for_messages(1011, 1, timeout=60)
    answered = len(stack.settled(1011))
    stack.fake.edit_text(message, "tạm biệt")
    assert len(stack.settled(1011, quiet=2.0)) == answered
    assert [event["text"] for event in stack.rasa_user_events(1011)] == ["xin chao"]


def test_rate_limit_asks_to_wait_exactly_once(stack: TelegramStack):
    for n in range(RATE_LIMIT + 3):
        stack.fake.send_text(1009, f"cảm ơn lần {n}")
    stack.fake.wait_for_messages(1009, RATE_LIMIT + 1, timeout=90)
    sent = stack.settled(1009, quiet=2.0)
    assert [m.visible_text for m in sent].count(texts.PLEASE_WAIT) == 1
    assert len(stack.rasa_user_events(1009)) == RATE_LIMIT  # the excess never reached Rasa
    assert sent[-1].visible_text == texts.PLEASE_WAIT


def test_webhook_mode_checks_the_secret(stack: TelegramStack):
    webhook_port, health_port = free_port(), free_port()
    url = f"http://127.0.0.1:{webhook_port}/telegram/webhook"
    secret = "s3cret_for-the-webhook"
    with FakeTelegram() as fake:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.root_url,
               "RASA_URL": stack.rasa_url, "TELEGRAM_WEBHOOK_URL": url, "TELEGRAM_WEBHOOK_SECRET": secret,
               "TELEGRAM_WEBHOOK_PORT": str(webhook_port), "TELEGRAM_HEALTH_PORT": str(health_port)}
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "telegram"], cwd=PROJECT_ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert wait_healthy(health_port, process)["mode"] == "webhook"
            assert fake.webhook == {"url": url, "secret_token": secret,
                                    "allowed_updates": ["message", "callback_query"]}

            update = {"update_id": 99, "message": fake.user_message(2001, text="xin chào")}
            assert httpx.post(url, json=update).status_code == 403
            assert httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}).status_code == 403
            time.sleep(1)
            assert fake.messages_to(2001) == []  # neither request was handled

            fake.send_text(2001, "xin chào")  # delivered by the fake with the secret header, as Telegram does
            assert fake.webhook_statuses == [200]
            replies = fake.wait_for_messages(2001, 1, timeout=60)
            assert any("Xin chào" in m.visible_text for m in replies)
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0


def test_killed_channel_is_restarted(stack: TelegramStack):
    old_pid = stack.assistant.child_pid("bot.cli telegram")
    os.kill(old_pid, signal.SIGKILL)
    assert stack.assistant.wait_for_output("telegram exited with code -9", timeout=15)
    assert stack.assistant.wait_for_output("telegram is back (restart #1)", timeout=60)
    assert stack.health().status_code == 200
    (welcome,) = stack.converse(1010, "/start")
    assert welcome.buttons
