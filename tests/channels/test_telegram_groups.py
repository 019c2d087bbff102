"""Which group messages address the bot."""

from __future__ import annotations

import pytest
from telegram import Message

from bot.channels.telegram.groups import addresses_bot, is_group, without_mention
from tests.fake_telegram import FakeTelegram, SentMessage

GROUP = -1001234567890
fake = FakeTelegram()  # only used to build messages, never started
BOT = fake.username


def group_message(text: str | None = None, **fields) -> Message:
    return Message.de_json(fake.user_message(GROUP, text=text, chat_type="supergroup", user_id=501, **fields))


@pytest.mark.parametrize(
    ("text", "addressed"),
    [
        (f"@{BOT} cho hỏi cách cài VNeID", True),
        (f"cho hỏi @{BOT.upper()} cách cài VNeID", True),
        (f"/start@{BOT}", True),
        (f"/huy@{BOT} nhé", True),
        ("cho hỏi cách cài VNeID", False),
        ("/start", False),
        ("/start@other_helper_bot", False),
        ("@other_helper_bot xin chào", False),
        (f"email: hotro@{BOT}.vn", False),
    ],
)
def test_text_addresses_the_bot(text: str, addressed: bool):
    assert addresses_bot(group_message(text), BOT, fake.bot_id) is addressed


def test_reply_to_the_bot_addresses_it():
    answer = SentMessage(9, GROUP, "Xin chào", "Xin chào", "HTML", None)
    assert addresses_bot(group_message("còn gì nữa không", reply_to=answer), BOT, fake.bot_id)
    other = group_message("còn gì nữa không")
    replying_to_person = group_message("đồng ý", reply_to_message=other.to_dict())
    assert not addresses_bot(replying_to_person, BOT, fake.bot_id)


def test_caption_mention_addresses_the_bot():
    photo = [{"file_id": "p", "file_unique_id": "p", "width": 9, "height": 9}]
    caption = f"@{BOT} ảnh này là gì"
    message = group_message(photo=photo, caption=caption,
                            caption_entities=[{"type": "mention", "offset": 0, "length": len(BOT) + 1}])
    assert addresses_bot(message, BOT, fake.bot_id)


def test_group_kinds():
    assert is_group(group_message("a").chat)
    assert not is_group(Message.de_json(fake.user_message(42, text="a")).chat)


def test_mention_is_removed_from_the_text():
    assert without_mention(f"@{BOT}   cho hỏi  @{BOT.upper()} cách cài", BOT) == "cho hỏi cách cài"
    assert without_mention(f"@{BOT}_x vẫn giữ", BOT) == f"@{BOT}_x vẫn giữ"
