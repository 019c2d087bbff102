"""The Zalo channel end to end: `trolyso run` with a Zalo bot token and an Official Account, the real Rasa and
action servers, the fake Zalo servers standing in for Zalo's cloud, and the fake Telegram Bot API for the
community tech team's group."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.zalo import texts
from bot.db import make_engine
from bot.limits import ZALO_MESSAGE_CHARS
from bot.models import Escalation, Feedback
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo, FakeZaloOa
from tests.processes import PROJECT_ROOT, RunningAssistant, free_port

pytestmark = pytest.mark.integration

RATE_LIMIT = 8
TICKET = re.compile(r"\bTL-[23456789A-HJKMNP-Z]{5}\b")
FEEDBACK = re.compile(r"Gõ (\d) nếu hữu ích, (\d) nếu chưa\.")
TAN_LAP_GROUP = -1001000000103  # Xã Tân Lập's team group in config/communes.yml
LAN = {"user_id": 7001, "username": "tanlap_lan", "chat_type": "supergroup"}  # a member of that team
CHANNEL_TEXTS = {texts.RASA_DOWN, texts.SOMETHING_WRONG, texts.PLEASE_WAIT, texts.TEXT_ONLY,
                 texts.UNKNOWN_COMMAND}
QUESTION = "cách đăng ký tài khoản định danh điện tử mức 2"


def chat(number: int) -> str:
    """A Zalo chat id (Zalo's are 20 hexadecimal characters)."""
    return f"{number:020x}"


@dataclass
class ZaloStack:
    """A running assistant whose Zalo channel talks to `zalo` (bot) and `oa` (Official Account)."""

    zalo: FakeZalo
    oa: FakeZaloOa
    telegram: FakeTelegram
    assistant: RunningAssistant
    health_port: int
    webhook_port: int
    database_url: str

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.assistant.rasa_port}"

    @property
    def oa_webhook(self) -> str:
        return f"http://127.0.0.1:{self.webhook_port}/zalo/oa/webhook"

    def health(self) -> httpx.Response:
        return httpx.get(f"http://127.0.0.1:{self.health_port}/health", timeout=5)

    def rasa_user_texts(self, chat_id: str) -> list[str]:
        """What Rasa received from sender `zalo:<chat_id>`, in order."""
        tracker = httpx.get(f"{self.rasa_url}/conversations/zalo:{chat_id}/tracker", timeout=10).json()
        return [event["text"] for event in tracker["events"] if event["event"] == "user"]

    def converse(self, chat_id: str, text: str, fake: FakeZalo | FakeZaloOa | None = None) -> list[str]:
        """Send `text` (as a bot chat, or an Official Account follower for `oa-…`) and return the replies."""
        fake = fake or (self.oa if chat_id.startswith("oa-") else self.zalo)
        before = len(fake.messages_to(chat_id))
        if isinstance(fake, FakeZaloOa):
            assert fake.post_event(self.oa_webhook, fake.event(chat_id.removeprefix("oa-"), text=text)) == 200
        else:
            fake.send_text(chat_id, text)
        fake.wait_for_messages(chat_id, before + 1, timeout=60)
        return [m.text for m in settled(fake, chat_id)[before:]]

    def feedback(self) -> list[tuple[str, str, str | None]]:
        """(rating, channel, ticket) of every stored 👍/👎."""
        engine = make_engine(self.database_url)
        try:
            with Session(engine) as session:
                return [(f.rating, f.channel, f.ticket_code) for f in session.scalars(select(Feedback))]
        finally:
            engine.dispose()


def settled(fake: FakeZalo | FakeZaloOa | FakeTelegram, chat_id: Any, quiet: float = 1.0) -> list[Any]:
    """The messages to `chat_id` once no new one arrived for `quiet` seconds."""
    count = -1
    while count != len(fake.messages_to(chat_id)):
        count = len(fake.messages_to(chat_id))
        time.sleep(quiet)
    return fake.messages_to(chat_id)


def wait_until(found: Any, what: str, timeout: float = 60.0) -> Any:
    """Poll `found()` until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def feedback_numbers(replies: list[str]) -> tuple[str, str]:
    """The numbers to type for 👍 and 👎 under an answer."""
    match = FEEDBACK.search("\n".join(replies))
    assert match, replies
    return match.group(1), match.group(2)


def option_number(replies: list[str], title: str) -> str:
    """The number of the option `title` in the replies."""
    match = re.search(rf"^(\d)\. {re.escape(title)}$", "\n".join(replies), re.M)
    assert match, (title, replies)
    return match.group(1)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ZaloStack]:
    root = tmp_path_factory.mktemp("zalo")
    database_url = f"sqlite:///{root / 'zalo.db'}"
    with FakeZalo() as zalo, FakeZaloOa() as oa, FakeTelegram() as telegram:
        health_port, webhook_port = free_port(), free_port()
        running = RunningAssistant(extra_env={
            "ZALO_BOT_TOKEN": zalo.token, "ZALO_API_BASE_URL": zalo.root_url,
            "ZALO_HEALTH_PORT": str(health_port), "ZALO_WEBHOOK_PORT": str(webhook_port),
            "ZALO_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
            "ZALO_OA_APP_ID": oa.app_id, "ZALO_OA_APP_SECRET": oa.app_secret, "ZALO_OA_SECRET_KEY": oa.oa_secret_key,
            "ZALO_OA_REFRESH_TOKEN": oa.refresh_token, "ZALO_OA_API_BASE_URL": oa.root_url,
            "ZALO_OA_OAUTH_BASE_URL": oa.root_url,
            "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.root_url,
            "TELEGRAM_HEALTH_PORT": str(free_port()), "TEAM_LOOP_INTERVAL_SECONDS": "1",
            "DATABASE_URL": database_url, "ESCALATION_OUTBOX_PATH": str(root / "outbox.jsonl"),
            "PSEUDONYM_KEY": "zalo-e2e",
        })
        running.start()
        try:
            yield ZaloStack(zalo, oa, telegram, running, health_port, webhook_port, database_url)
        finally:
            running.stop()


def test_channel_runs_under_the_supervisor_and_polls(stack: ZaloStack):
    assert any("Zalo" in line and "bot: long polling" in line and "Official Account" in line
               for line in stack.assistant.output)
    response = stack.health()
    assert response.status_code == 200
    body = response.json()
    assert (body["mode"], body["bot"], body["official_account"]) == ("polling", stack.zalo.account_name, True)
    stack.zalo.wait_for_call("getUpdates")
    assert "deleteWebhook" in stack.zalo.calls and stack.zalo.webhook is None


@pytest.mark.parametrize(("number", "question"), [(1, QUESTION), (2, "cach dang ky tai khoan dinh danh dien tu muc 2")])
def test_a_question_with_or_without_diacritics_is_answered_with_its_source(stack: ZaloStack, number: int,
                                                                          question: str):
    replies = stack.converse(chat(number), question)
    assert not set(replies) & CHANNEL_TEXTS
    assert any("Nguồn: https://" in reply for reply in replies), replies
    assert all(len(reply) <= ZALO_MESSAGE_CHARS for reply in replies)
    feedback_numbers(replies)
    assert stack.rasa_user_texts(chat(number)) == [question]
    assert {"chat_id": chat(number), "action": "typing"} in stack.zalo.chat_actions


def test_the_topic_menu_and_its_question_list_are_answered_by_number(stack: ZaloStack):
    (welcome,) = stack.converse(chat(3), "/start")
    assert welcome.startswith(texts.WELCOME)
    number = option_number([welcome], "🏥 Bảo hiểm y tế điện tử")
    questions = stack.converse(chat(3), number)
    assert stack.rasa_user_texts(chat(3)) == ['/choose_topic{"topic":"bhyt_dien_tu"}']
    listed = re.findall(r"^(\d)\. (.+)$", "\n".join(questions), re.M)
    assert len(listed) >= 3, questions
    answer = stack.converse(chat(3), "câu 2")
    typed_choice = stack.rasa_user_texts(chat(3))[-1]
    assert typed_choice.startswith('/choose_entry{"entry_id":'), typed_choice  # the offered payload, not "câu 2"
    assert any("Nguồn: https://" in reply for reply in answer)


def test_feedback_by_number_is_stored_and_a_no_to_the_team_offer_is_typed_too(stack: ZaloStack):
    replies = stack.converse(chat(4), QUESTION)
    _good, bad = feedback_numbers(replies)
    offer = stack.converse(chat(4), bad)
    assert stack.rasa_user_texts(chat(4))[-1].startswith('/feedback_bad{"question":')  # the offered payload
    assert ("bad", "zalo", None) in stack.feedback()
    no = option_number(offer, "Không, cảm ơn")
    stack.converse(chat(4), no)
    assert stack.rasa_user_texts(chat(4))[-1] == "/deny"


def test_an_escalation_goes_from_zalo_to_the_team_and_the_answer_comes_back_on_zalo(stack: ZaloStack):
    citizen = chat(5)
    stack.converse(citizen, "gặp cán bộ")
    asked_commune = stack.converse(citizen, "Chế độ thương binh liệt sĩ được hưởng những gì?")
    assert "xã/phường" in "\n".join(asked_commune)
    asked_phone = stack.converse(citizen, "xa tan lap")
    consent = stack.converse(citizen, option_number(asked_phone, "Bỏ qua"))
    assert "qua Zalo" in "\n".join(consent)  # the citizen is told where the answer will come
    done = stack.converse(citizen, option_number(consent, "Đồng ý"))
    (code,) = set(TICKET.findall("\n".join(done)))

    notice = wait_until(lambda: next((m for m in stack.telegram.messages_to(TAN_LAP_GROUP)
                                      if m.visible_text.split("\n")[0].endswith(code)), None), "the team notice")
    assert "Xã Tân Lập" in notice.visible_text
    before = len(stack.zalo.messages_to(citizen))
    answer = "Chào bác, bác mang giấy tờ tới Trung tâm phục vụ hành chính công xã vào sáng thứ Hai nhé."
    stack.telegram.send_text(TAN_LAP_GROUP, f"/traloi {code} {answer}", **LAN)
    (delivered,) = [m.text for m in stack.zalo.wait_for_messages(citizen, before + 1, timeout=60)[before:]]
    assert answer in delivered and code in delivered
    good, _bad = feedback_numbers([delivered])
    assert good == "1"
    thanks = stack.converse(citizen, good)
    assert stack.rasa_user_texts(citizen)[-1] == f'/feedback_good{{"ticket": "{code}"}}'
    assert thanks and not set(thanks) & CHANNEL_TEXTS
    engine = make_engine(stack.database_url)
    try:
        with Session(engine) as session:
            row = session.scalars(select(Escalation).where(Escalation.ticket_code == code)).one()
            assert (row.channel, row.chat_id, row.status) == ("zalo", citizen, "answered")
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", ["image", "sticker", "voice", "unsupported"])
def test_what_is_not_text_gets_the_polite_reply(stack: ZaloStack, kind: str):
    citizen = chat(10 + len(kind))
    before = len(stack.zalo.messages_to(citizen))
    stack.zalo.send_media(citizen, kind)
    assert [m.text for m in stack.zalo.wait_for_messages(citizen, before + 1)][before:] == [texts.TEXT_ONLY]


def test_malformed_updates_and_unknown_events_get_no_reply_and_no_crash(stack: ZaloStack):
    pid = stack.assistant.child_pid("bot.cli zalo")
    citizen = chat(20)
    good = stack.zalo.message(citizen, text="xin chào")
    for raw in ["chuỗi", 7, [], {}, {"event_name": "message.reaction.received", "message": good},
                {"event_name": "message.text.received"}, {"event_name": "message.text.received", "message": []},
                {"event_name": "message.text.received", "message": {**good, "chat": {"id": None}}},
                {"event_name": "message.text.received", "message": {**good, "chat": {"id": citizen,
                                                                                      "chat_type": "GROUP"}}},
                {"event_name": "message.text.received", "message": {**good, "from": {"id": "b", "is_bot": True}}}]:
        stack.zalo.send_raw(raw)
    wait_until(lambda: stack.zalo.pending() == 0, "the channel to fetch every update")
    time.sleep(2)
    assert stack.zalo.messages_to(citizen) == []
    replies = stack.converse(citizen, "xin chào")
    assert any("Xin chào" in reply for reply in replies)
    assert stack.assistant.child_pid("bot.cli zalo") == pid and stack.health().status_code == 200


def test_a_message_zalo_delivers_twice_is_answered_once(stack: ZaloStack):
    citizen = chat(23)
    update = {"event_name": "message.text.received", "message": stack.zalo.message(citizen, text="xin chào")}
    stack.zalo.send_raw(update)
    stack.zalo.send_raw(update)
    stack.zalo.wait_for_messages(citizen, 1, timeout=60)
    settled(stack.zalo, citizen, quiet=2.0)
    assert stack.rasa_user_texts(citizen) == ["xin chào"]


def test_typed_commands_never_reach_the_conversation_engine(stack: ZaloStack):
    citizen = chat(21)
    assert stack.converse(citizen, '/choose_entry{"entry_id":"vneid-cai-dat"}') == [texts.UNKNOWN_COMMAND]
    assert stack.converse(citizen, "/help") == [texts.HELP]
    assert stack.rasa_user_texts(citizen) == []
    stack.converse(citizen, "/huy")
    assert stack.rasa_user_texts(citizen) == [texts.CANCEL_REQUEST]


def test_rate_limit_asks_to_wait_exactly_once(stack: ZaloStack):
    citizen = chat(22)
    for n in range(RATE_LIMIT + 3):
        stack.zalo.send_text(citizen, f"cảm ơn lần {n}")
    stack.zalo.wait_for_messages(citizen, RATE_LIMIT + 1, timeout=120)
    sent = [m.text for m in settled(stack.zalo, citizen, quiet=2.0)]
    assert sent.count(texts.PLEASE_WAIT) == 1
    assert len(stack.rasa_user_texts(citizen)) == RATE_LIMIT  # the excess never reached Rasa


def test_an_official_account_follower_is_answered_within_the_reply_window(stack: ZaloStack):
    follower = "oa-2468458835296117922"
    replies = stack.converse(follower, QUESTION)
    assert any("Nguồn: https://" in reply for reply in replies)
    assert stack.oa.refreshes >= 1 and stack.oa.access_token  # the access token was refreshed on first use
    _good, bad = feedback_numbers(replies)
    stack.converse(follower, bad)
    assert stack.rasa_user_texts(follower)[-2] == QUESTION
    assert stack.rasa_user_texts(follower)[-1].startswith('/feedback_bad{"question":')

    stack.oa.expire_access_token()
    assert stack.converse(follower, "xin chào")  # refreshed again and sent
    before = len(stack.oa.messages_to(follower))
    forged = stack.oa.event("2468458835296117922", text="xin chào")
    assert stack.oa.post_event(stack.oa_webhook, forged, signature=None) == 403
    assert stack.oa.post_event(stack.oa_webhook, forged, signature="mac=" + "0" * 64) == 403
    assert stack.oa.post_event(stack.oa_webhook, {**forged, "app_id": "another app"}) == 403
    time.sleep(2)
    assert len(stack.oa.messages_to(follower)) == before


def test_webhook_mode_checks_the_secret(stack: ZaloStack, tmp_path: Path):
    webhook_port, health_port = free_port(), free_port()
    url = f"http://127.0.0.1:{webhook_port}/zalo/webhook"
    secret = "s3cret_for-the-zalo-webhook"
    with FakeZalo() as fake:
        env = {**os.environ, "ZALO_BOT_TOKEN": fake.token, "ZALO_API_BASE_URL": fake.root_url,
               "RASA_URL": stack.rasa_url, "ZALO_WEBHOOK_URL": url, "ZALO_WEBHOOK_SECRET": secret,
               "ZALO_WEBHOOK_PORT": str(webhook_port), "ZALO_HEALTH_PORT": str(health_port),
               "DATABASE_URL": f"sqlite:///{tmp_path / 'webhook.db'}"}
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "zalo"], cwd=PROJECT_ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert wait_until(lambda: _health(health_port, process), "the webhook channel's health")["mode"] == \
                "webhook"
            assert fake.webhook == {"url": url, "secret_token": secret}
            update = {"event_name": "message.text.received", "message": fake.message(chat(30), text="xin chào")}
            assert httpx.post(url, json=update).status_code == 403
            assert httpx.post(url, json=update, headers={"X-Bot-Api-Secret-Token": "wrong-secret"}).status_code == 403
            time.sleep(1)
            assert fake.messages_to(chat(30)) == []  # neither request was handled

            fake.send_raw({"ok": True, "result": update})  # with the secret, as Zalo does (wrapped, as some see it)
            fake.send_raw("không phải JSON đúng dạng")
            assert fake.webhook_statuses == [200, 200]
            replies = fake.wait_for_messages(chat(30), 1, timeout=60)
            assert any("Xin chào" in m.text for m in replies)
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0


def _health(port: int, process: subprocess.Popen) -> dict[str, Any] | None:
    assert process.poll() is None, f"the channel exited with code {process.returncode}"
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def test_a_refused_token_stops_the_channel_with_a_clear_message(tmp_path: Path):
    with FakeZalo() as fake:
        env = {**os.environ, "ZALO_BOT_TOKEN": "1:not-the-token", "ZALO_API_BASE_URL": fake.root_url,
               "ZALO_HEALTH_PORT": str(free_port()), "DATABASE_URL": f"sqlite:///{tmp_path / 'refused.db'}"}
        result = subprocess.run([sys.executable, "-m", "bot.cli", "zalo"], cwd=PROJECT_ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Zalo refused ZALO_BOT_TOKEN" in result.stderr and "not-the-token" not in result.stderr


def test_killed_channel_is_restarted(stack: ZaloStack):
    old_pid = stack.assistant.child_pid("bot.cli zalo")
    os.kill(old_pid, signal.SIGKILL)
    assert stack.assistant.wait_for_output("zalo exited with code -9", timeout=15)
    assert stack.assistant.wait_for_output("zalo is back (restart #1)", timeout=60)
    assert stack.health().status_code == 200
    (welcome,) = stack.converse(chat(40), "/start")
    assert welcome.startswith(texts.WELCOME)
