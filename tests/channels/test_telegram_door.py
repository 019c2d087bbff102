"""The Telegram channel passes citizens' messages through the command door (`bot.door`) like the web."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram.app import build_application
from bot.messages import Button, Message
from tests.channels.test_telegram_handlers import GROUP, Channel, settings_for
from tests.fake_telegram import FakeTelegram
from tests.processes import free_port
from tests.web.test_entry import ScriptedRasa

OFFER = Message("Chuyển cho Tổ hỗ trợ?", [Button("Có", "/affirm"), Button("Không", "/deny")])


@pytest.fixture
async def door_channel(fake_telegram: FakeTelegram) -> AsyncIterator[tuple[Channel, ScriptedRasa]]:
    application, handlers = build_application(settings_for(fake_telegram, f"http://127.0.0.1:{free_port()}"))
    rasa = ScriptedRasa(*([[OFFER]] * 6))
    handlers.entry.engine = rasa
    async with application:
        yield Channel(application, fake_telegram), rasa
    await handlers.rasa.aclose()


async def test_a_command_typed_after_a_mention_reaches_rasa_as_text(door_channel: tuple[Channel, ScriptedRasa]):
    channel, rasa = door_channel
    bot = channel.fake.username
    await channel.say(GROUP, f"@{bot} /restart", chat_type="supergroup", user_id=501)
    await channel.say(GROUP, f'@{bot} /inform{{"commune": "SL03"}}', chat_type="supergroup", user_id=501)
    assert rasa.received == ["restart", 'inform{"commune": "SL03"}']


async def test_pressed_buttons_reach_rasa_as_commands(door_channel: tuple[Channel, ScriptedRasa]):
    channel, rasa = door_channel
    (offer,) = await channel.say(48, "có cần chuyển không")
    await channel.feed(callback_query=channel.fake.callback_query(offer, offer.buttons[0][1]))
    assert rasa.received == ["có cần chuyển không", "/affirm"]


async def test_forged_callback_data_reaches_rasa_only_as_text(door_channel: tuple[Channel, ScriptedRasa]):
    channel, rasa = door_channel
    (offer,) = await channel.say(48, "có cần chuyển không")
    for forged in ("/restart", "/session_start", '/inform{"commune": {"x": 1}}'):
        await channel.feed(callback_query=channel.fake.callback_query(offer, forged))
    assert rasa.received[1:] == ["restart", "session_start", 'inform{"commune": {"x": 1}}']
