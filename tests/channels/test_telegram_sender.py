"""`TelegramSender.send_to`, as other processes use it (e.g. a team's answer to an escalation)."""

from __future__ import annotations

import pytest
from telegram.error import InvalidToken

from bot.channels.telegram import TelegramSender
from bot.channels.telegram.texts import CHOOSE_BELOW
from bot.limits import TELEGRAM_MESSAGE_UTF16
from bot.messages import Button, Message
from bot.splitting import utf16_len
from tests.fake_telegram import FakeTelegram


def long_answer() -> tuple[str, list[str]]:
    """About 5,000 characters in 14 paragraphs, each ending with a source link."""
    paragraphs = [
        f"Bước {n}: bà con mở ứng dụng, chọn mục cần làm và làm theo hướng dẫn trên màn hình. " * 4
        + f"Xem thêm tại https://dichvucong.gov.vn/huong-dan/{n}."
        for n in range(1, 15)
    ]
    return "\n\n".join(paragraphs), paragraphs


async def test_5000_character_answer_arrives_in_parts_under_the_limit(fake_telegram: FakeTelegram):
    text, paragraphs = long_answer()
    assert 5000 <= len(text) <= 5500
    async with TelegramSender(fake_telegram.token, base_url=fake_telegram.root_url) as sender:
        ids = await sender.send_to(55, Message(text, [Button("👍 Hữu ích", "/feedback_good")]))
    sent = fake_telegram.messages_to(55)
    assert [m.message_id for m in sent] == ids and len(sent) == 2
    assert all(utf16_len(m.visible_text) <= TELEGRAM_MESSAGE_UTF16 for m in sent)
    assert [p for m in sent for p in m.visible_text.split("\n\n")] == paragraphs  # whole paragraphs, in order
    assert [link for m in sent for link in m.links] == [
        f"https://dichvucong.gov.vn/huong-dan/{n}" for n in range(1, 15)
    ]
    assert sent[0].buttons == [] and sent[1].buttons == [("👍 Hữu ích", "/feedback_good")]


async def test_text_is_shown_as_written_never_as_markup(fake_telegram: FakeTelegram):
    text = "Trả lời của tổ: <b>không</b> bấm link lạ & đừng đưa mã OTP cho ai </i>"
    async with TelegramSender(fake_telegram.token, base_url=fake_telegram.root_url) as sender:
        await sender.send_to(56, Message(text))
    (message,) = fake_telegram.messages_to(56)
    assert message.parse_mode == "HTML" and message.visible_text == text


async def test_chat_id_forms_and_long_payloads(fake_telegram: FakeTelegram):
    long_payload = '/choose_commune{"name":"Phường Nguyễn Trãi, thành phố Hải Dương"}'
    async with TelegramSender(fake_telegram.token, base_url=fake_telegram.root_url) as sender:
        await sender.send_to("tg:57", Message("một"))
        await sender.send_to("57", Message("hai"))
        await sender.send_to(57, Message("", [Button("Xã này", long_payload)]))
    sent = fake_telegram.messages_to(57)
    assert [m.visible_text for m in sent] == ["một", "hai", CHOOSE_BELOW]
    ((title, data),) = sent[2].buttons
    assert title == "Xã này" and data != long_payload and len(data.encode()) <= 64


async def test_wrong_token_is_reported(fake_telegram: FakeTelegram):
    async with TelegramSender("999:wrong", base_url=fake_telegram.root_url) as sender:
        with pytest.raises(InvalidToken):
            await sender.send_to(58, Message("xin chào"))
    assert fake_telegram.messages_to(58) == []
