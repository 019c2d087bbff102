"""`ZaloSender` against the fake Bot Platform API: splitting under 2,000 characters, options remembered per chat
(also when another process sends, e.g. a team's answer), and the transport of each chat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot.channels.zalo.api import ZaloApiError, ZaloBotApi
from bot.channels.zalo.chats import OPTIONS_VALID_FOR, offered_options, remember_options
from bot.channels.zalo.sender import BotTransport, ZaloSender
from bot.conversation.buttons import feedback_buttons
from bot.escalations.texts import rating_buttons
from bot.limits import ZALO_MESSAGE_CHARS
from bot.messages import Message
from bot.models import utcnow
from tests.fake_zalo import FakeZalo

CHAT = "6ede9afa66b88fe6d6a9"


def sender_for(fake: FakeZalo, engine: Engine) -> ZaloSender:
    return ZaloSender(engine, bot=BotTransport(ZaloBotApi(fake.token, fake.root_url)))


def long_answer() -> tuple[str, list[str]]:
    """About 5,000 characters in 15 paragraphs, the last with the source."""
    paragraphs = [f"Bước {n}: bà con mở ứng dụng VssID, chọn mục cần làm rồi làm theo hướng dẫn trên màn hình. " * 4
                  for n in range(1, 15)] + ["Nguồn: https://baohiemxahoi.gov.vn/huong-dan"]
    paragraphs = [p.strip() for p in paragraphs]
    return "\n\n".join(paragraphs), paragraphs


async def test_a_5000_character_answer_is_split_on_paragraphs_and_its_options_come_last(fake_zalo: FakeZalo,
                                                                                         engine: Engine):
    text, paragraphs = long_answer()
    assert 4900 <= len(text) <= 5200
    sender = sender_for(fake_zalo, engine)
    try:
        count = await sender.send_to(f"zalo:{CHAT}", Message(text, feedback_buttons()))
    finally:
        await sender.aclose()
    sent = [m.text for m in fake_zalo.messages_to(CHAT)]
    assert count == len(sent) == 3
    assert all(len(part) <= ZALO_MESSAGE_CHARS for part in sent)
    received = "\n\n".join(sent)
    assert [p for p in paragraphs if p not in received] == []  # no paragraph was cut
    assert sent[-1].endswith("Gõ 1 nếu hữu ích, 2 nếu chưa.")
    assert offered_options(engine, CHAT) == feedback_buttons()


async def test_a_team_answer_sent_by_another_process_is_rated_by_number(fake_zalo: FakeZalo, engine: Engine):
    sender = sender_for(fake_zalo, engine)
    try:
        await sender.send_to(CHAT, Message("Tổ đã trả lời câu hỏi của bạn.", rating_buttons("TL-7F3K2")))
        assert offered_options(engine, CHAT) == rating_buttons("TL-7F3K2")
        await sender.send_turn(CHAT, [Message("Cảm ơn bạn!")])
    finally:
        await sender.aclose()
    assert offered_options(engine, CHAT) == []  # a reply without options leaves none on offer


def test_options_can_be_picked_for_a_day(engine: Engine):
    remember_options(engine, CHAT, feedback_buttons(), now=utcnow() - OPTIONS_VALID_FOR + timedelta(minutes=1))
    assert offered_options(engine, CHAT) == feedback_buttons()
    assert offered_options(engine, CHAT, now=utcnow() + timedelta(minutes=2)) == []


async def test_a_refused_message_raises_and_an_official_account_chat_needs_its_transport(fake_zalo: FakeZalo,
                                                                                         engine: Engine):
    fake_zalo.blocked_chats.add(CHAT)
    sender = sender_for(fake_zalo, engine)
    try:
        with pytest.raises(ZaloApiError) as raised:
            await sender.send_to(CHAT, Message("Xin chào"))
        with pytest.raises(LookupError):
            await sender.send_to("oa-2468458835296117922", Message("Xin chào"))
    finally:
        await sender.aclose()
    assert raised.value.code == 403


async def test_a_wrong_token_is_refused(fake_zalo: FakeZalo):
    api = ZaloBotApi("1:wrong", fake_zalo.root_url)
    try:
        with pytest.raises(ZaloApiError) as raised:
            await api.get_me()
    finally:
        await api.aclose()
    assert raised.value.unauthorized


async def test_polling_gets_one_update_or_none(fake_zalo: FakeZalo):
    api = ZaloBotApi(fake_zalo.token, fake_zalo.root_url)
    try:
        assert await api.get_updates(timeout=1) == []  # error 408: nothing came
        update = fake_zalo.send_text(CHAT, "xin chào")
        assert await api.get_updates(timeout=1) == [update]
    finally:
        await api.aclose()
