"""The channel's handlers, run in-process against the fake Bot API.

Rasa is not running here (its port is closed, or it accepts and never answers): these tests cover
everything the channel decides by itself. Conversations with the real Rasa are in test_telegram_e2e.py.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.channels.telegram import texts
from bot.channels.telegram.app import build_application
from bot.channels.telegram.keyboards import STORED_PREFIX
from bot.conversation.topics import menu_buttons
from bot.limits import CHAT_MESSAGE_CHARS
from bot.masking import mask_id
from bot.settings import Settings
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.processes import free_port

GROUP = -1009876543210
RATE_LIMIT = 5


class Channel:
    """An initialised application fed one update at a time."""

    def __init__(self, application: Application, fake: FakeTelegram) -> None:
        self.application = application
        self.fake = fake
        self._ids = iter(range(1, 10_000))

    async def feed(self, **update: Any) -> None:
        """Process one update (`message=`, `edited_message=` or `callback_query=`) to the end."""
        data = {"update_id": next(self._ids), **update}
        await self.application.process_update(Update.de_json(data, self.application.bot))

    async def say(self, chat_id: int, text: str, **kwargs: Any) -> list[SentMessage]:
        """The citizen writes `text`; return what the bot sent in reply."""
        before = len(self.fake.messages_to(chat_id))
        await self.feed(message=self.fake.user_message(chat_id, text=text, **kwargs))
        return self.fake.messages_to(chat_id)[before:]


def settings_for(fake: FakeTelegram, rasa_url: str, **overrides: Any) -> Settings:
    """The channel's settings; with Rasa down, the degraded mode only sends the busy reply (no retriever here)."""
    return Settings(telegram_bot_token=fake.token, telegram_api_base_url=fake.root_url, rasa_url=rasa_url,
                    telegram_rate_limit_per_minute=RATE_LIMIT, degraded_answerer_wait_seconds=0, **overrides)


@pytest.fixture
async def channel(fake_telegram: FakeTelegram) -> AsyncIterator[Channel]:
    """The channel with Rasa down (nothing listens on its port)."""
    application, handlers = build_application(settings_for(fake_telegram, f"http://127.0.0.1:{free_port()}"))
    async with application:
        yield Channel(application, fake_telegram)
    await handlers.rasa.aclose()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server that accepts connections and never answers: a hung Rasa."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


async def test_start_shows_the_welcome_and_the_topics(channel: Channel):
    (welcome,) = await channel.say(42, "/start")
    assert welcome.parse_mode == "HTML" and "Trợ lý số" in welcome.visible_text
    assert [data for _title, data in welcome.buttons] == [
        f'/choose_topic{{"topic":"{topic}"}}'
        for topic in ("dich_vu_cong", "thanh_toan_so", "bhyt_dien_tu", "ocop_tmdt", "ky_nang_so")
    ]
    assert welcome.buttons == [(b.title, b.payload) for b in menu_buttons()]  # the one menu, as Rasa's


async def test_help_lists_the_commands(channel: Channel):
    (help_message,) = await channel.say(42, "/help")
    assert all(command in help_message.visible_text for command in ("/start", "/help", "/huy"))


async def test_unknown_command_points_to_help(channel: Channel):
    assert [m.visible_text for m in await channel.say(42, "/dangky")] == [texts.UNKNOWN_COMMAND]


async def test_rasa_down_gets_an_apology_and_logs_no_chat_id(channel: Channel, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO)
    replies = await channel.say(987654321, "cách cài VNeID")
    assert [m.visible_text for m in replies] == [texts.RASA_DOWN]
    assert channel.fake.chat_actions[-1] == {"chat_id": 987654321, "action": "typing"}
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert mask_id(987654321) in ours and "987654321" not in ours
    # /huy goes to Rasa too, so it gets the same apology
    assert [m.visible_text for m in await channel.say(987654321, "/huy")] == [texts.RASA_DOWN]


async def test_rasa_that_never_answers_times_out_politely(fake_telegram: FakeTelegram, silent_server: str):
    application, handlers = build_application(settings_for(fake_telegram, silent_server, rasa_timeout_seconds=0.5))
    async with application:
        channel = Channel(application, fake_telegram)
        replies = await asyncio.wait_for(channel.say(43, "xin chào"), timeout=10)
    await handlers.rasa.aclose()
    assert [m.visible_text for m in replies] == [texts.RASA_DOWN]


async def test_too_long_text_is_refused_before_rasa(channel: Channel):
    replies = await channel.say(44, "a" * (CHAT_MESSAGE_CHARS + 1))
    assert [m.visible_text for m in replies] == [texts.TOO_LONG.format(limit=CHAT_MESSAGE_CHARS)]
    assert channel.fake.chat_actions == []  # Rasa was not asked


@pytest.mark.parametrize("kind", ["photo", "voice", "sticker", "location", "document", "video"])
async def test_non_text_gets_the_text_only_reply(channel: Channel, kind: str):
    await channel.feed(message=channel.fake.media_message(45, kind))
    assert [m.visible_text for m in channel.fake.messages_to(45)] == [texts.TEXT_ONLY]


async def test_edited_and_service_messages_are_ignored(channel: Channel):
    original = channel.fake.user_message(46, text="cach cai vneid")
    await channel.feed(edited_message={**original, "text": "cách cài VNeID", "edit_date": original["date"] + 5})
    joined = channel.fake.user_message(GROUP, chat_type="supergroup", user_id=501,
                                       new_chat_members=[channel.fake.bot_user])
    await channel.feed(message=joined)
    assert channel.fake.sent == [] and channel.fake.chat_actions == []


async def test_group_messages_only_when_addressed(channel: Channel):
    bot = channel.fake.username
    in_group = {"chat_type": "supergroup", "user_id": 501}
    assert await channel.say(GROUP, "mọi người ơi họp lúc mấy giờ", **in_group) == []
    assert await channel.say(GROUP, "/start", **in_group) == []
    await channel.feed(message=channel.fake.media_message(GROUP, "photo", **in_group))
    assert channel.fake.messages_to(GROUP) == []

    (welcome,) = await channel.say(GROUP, f"/start@{bot}", **in_group)
    assert welcome.buttons
    assert [m.visible_text for m in await channel.say(GROUP, f"@{bot}", **in_group)] == [welcome.visible_text]
    # a real question reaches Rasa (down here, hence the apology), by mention or by reply
    assert [m.visible_text for m in await channel.say(GROUP, f"@{bot} cài VNeID", **in_group)] == [texts.RASA_DOWN]
    replies = await channel.say(GROUP, "còn bước sau?", reply_to=welcome, **in_group)
    assert [m.visible_text for m in replies] == [texts.RASA_DOWN]


async def test_button_press_is_acknowledged_and_expired_keys_explained(channel: Channel):
    (welcome,) = await channel.say(47, "/start")
    query = channel.fake.callback_query(welcome, welcome.buttons[0][1])
    await channel.feed(callback_query=query)
    assert channel.fake.callback_answers[-1]["callback_query_id"] == query["id"]
    assert channel.fake.messages_to(47)[-1].visible_text == texts.RASA_DOWN  # the payload went to Rasa

    stale = channel.fake.callback_query(welcome, STORED_PREFIX + "unknownkey")
    await channel.feed(callback_query=stale)
    assert channel.fake.callback_answers[-1]["callback_query_id"] == stale["id"]
    assert channel.fake.messages_to(47)[-1].visible_text == texts.BUTTON_EXPIRED


async def test_rate_limit_warns_once_then_stays_quiet(channel: Channel):
    for n in range(RATE_LIMIT + 3):
        await channel.say(48, f"câu hỏi số {n}")
    replies = [m.visible_text for m in channel.fake.messages_to(48)]
    assert replies == [texts.RASA_DOWN] * RATE_LIMIT + [texts.PLEASE_WAIT]
    # a button pressed while over the limit is still acknowledged, silently
    (message, *_rest) = channel.fake.messages_to(48)
    query = channel.fake.callback_query(message, "/greet")
    await channel.feed(callback_query=query)
    assert channel.fake.callback_answers[-1]["callback_query_id"] == query["id"]
    assert len(channel.fake.messages_to(48)) == RATE_LIMIT + 1
    # other chats are not affected
    assert [m.visible_text for m in await channel.say(49, "xin chào")] == [texts.RASA_DOWN]


async def test_blocked_bot_is_logged_not_crashed(channel: Channel, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO)
    channel.fake.blocked_chats.add(555666777)
    assert await channel.say(555666777, "/start") == []
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert "blocked" in ours and mask_id(555666777) in ours and "555666777" not in ours
    assert [m.visible_text for m in await channel.say(50, "/dangky")] == [texts.UNKNOWN_COMMAND]  # still serving
