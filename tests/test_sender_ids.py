"""The citizen channels and the Rasa sender ids of their conversations."""

from __future__ import annotations

from bot.channels.telegram.sender import parse_chat_id
from bot.sender_ids import SENDER_PREFIXES, is_channel, parse_sender, sender_id


def test_parse_sender():
    assert parse_sender("tg:123456") == ("telegram", "123456")
    assert parse_sender("tg:-100200") == ("telegram", "-100200")
    assert parse_sender("web:abc-1") == ("web", "abc-1")
    assert parse_sender("zalo:6ede9afa66b88fe6d6a9") == ("zalo", "6ede9afa66b88fe6d6a9")
    assert parse_sender("zalo:oa-2468458835296117922") == ("zalo", "oa-2468458835296117922")
    assert parse_sender("default") == ("web", "default")
    assert parse_sender("tg:") == ("web", "tg:")


def test_sender_ids_read_back_for_every_channel():
    for channel in SENDER_PREFIXES:
        assert is_channel(channel)
        assert parse_sender(sender_id(channel, "42")) == (channel, "42")
    assert sender_id("telegram", -100200) == "tg:-100200" and sender_id("web", "abc-1") == "web:abc-1"
    assert sender_id("zalo", "6ede9afa") == "zalo:6ede9afa"
    assert not is_channel("viber") and not is_channel("tg")


def test_telegram_chat_ids_accept_the_sender_id_form():
    assert parse_chat_id(sender_id("telegram", -100200)) == parse_chat_id("-100200") == parse_chat_id(-100200)
