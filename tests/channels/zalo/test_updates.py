"""Reading Zalo events defensively: Bot Platform updates and Official Account webhook events."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.zalo.updates import Incoming, parse_bot_update, parse_oa_event

MESSAGE = {"message_id": "2d758cb5e222177a4e35", "text": "xin chào", "date": 1750316131602,
           "chat": {"id": "6ede9afa66b88fe6d6a9", "chat_type": "PRIVATE"},
           "from": {"id": "6ede9afa66b88fe6d6a9", "display_name": "Bà Tư", "is_bot": False}}


def test_a_text_update_flat_or_wrapped_as_an_api_answer():
    update = {"event_name": "message.text.received", "message": MESSAGE}
    expected = Incoming("6ede9afa66b88fe6d6a9", "text", "xin chào", "2d758cb5e222177a4e35")
    assert parse_bot_update(update) == expected
    assert parse_bot_update({"ok": True, "result": update}) == expected


@pytest.mark.parametrize("event", ["message.image.received", "message.sticker.received", "message.voice.received",
                                   "message.unsupported.received"])
def test_what_is_not_text_is_media(event: str):
    incoming = parse_bot_update({"event_name": event, "message": {**MESSAGE, "text": None}})
    assert incoming is not None and incoming.kind == "media" and incoming.chat_id == MESSAGE["chat"]["id"]


@pytest.mark.parametrize("raw", [
    None, "xin chào", 42, [], {}, {"ok": True, "result": []},
    {"event_name": "message.reaction.received", "message": MESSAGE},
    {"event_name": "message.text.received"},
    {"event_name": "message.text.received", "message": "xin chào"},
    {"event_name": "message.text.received", "message": {**MESSAGE, "chat": {}}},
    {"event_name": "message.text.received", "message": {**MESSAGE, "chat": {"id": ""}}},
    {"event_name": "message.text.received", "message": {**MESSAGE, "chat": {"id": ["x"]}}},
    {"event_name": "message.text.received", "message": {**MESSAGE, "chat": {"id": "g1", "chat_type": "GROUP"}}},
    {"event_name": "message.text.received", "message": {**MESSAGE, "from": {"id": "b", "is_bot": True}}},
    {"event_name": "message.text.received", "message": {**MESSAGE, "chat": {"id": "oa-1", "chat_type": "PRIVATE"}}},
])
def test_nothing_to_answer(raw: Any):
    assert parse_bot_update(raw) is None


def test_a_text_without_text_is_an_empty_text():
    incoming = parse_bot_update({"event_name": "message.text.received", "message": {**MESSAGE, "text": 5}})
    assert incoming is not None and incoming.text == ""


def test_official_account_events_name_the_follower_with_the_oa_prefix():
    event = {"app_id": "1", "event_name": "user_send_text", "timestamp": "1699003881354",
             "sender": {"id": "2468458835296117922"}, "recipient": {"id": "3"},
             "message": {"text": "Chào OA", "msg_id": "cb31"}}
    assert parse_oa_event(event) == Incoming("oa-2468458835296117922", "text", "Chào OA", "cb31")
    assert parse_oa_event({**event, "event_name": "user_send_sticker"}) == Incoming(
        "oa-2468458835296117922", "media", message_id="cb31")


@pytest.mark.parametrize("raw", [
    None, [], {"event_name": "follow", "follower": {"id": "1"}}, {"event_name": "oa_send_text", "sender": {"id": "3"}},
    {"event_name": "user_send_text"}, {"event_name": "user_send_text", "sender": "1"},
    {"event_name": "user_send_text", "sender": {"id": 1.5}},
])
def test_official_account_events_with_nothing_to_answer(raw: Any):
    assert parse_oa_event(raw) is None
