"""Buttons as inline keyboards within Telegram's 64-byte callback data."""

from __future__ import annotations

import json

from bot.channels.telegram.keyboards import STORED_PREFIX, CallbackPayloads, inline_keyboard
from bot.conversation.topics import menu_buttons
from bot.limits import TELEGRAM_CALLBACK_DATA_BYTES
from bot.messages import Button


def test_short_payload_is_its_own_callback_data():
    payloads = CallbackPayloads()
    assert payloads.encode("/feedback_good") == "/feedback_good"
    assert payloads.decode("/feedback_good") == "/feedback_good"
    exactly = "/x" + "a" * (TELEGRAM_CALLBACK_DATA_BYTES - 2)
    assert payloads.encode(exactly) == exactly


def test_long_payload_is_stored_under_a_short_key():
    payloads = CallbackPayloads()
    # 40 characters but more than 64 bytes in UTF-8: the limit is in bytes
    payload = '/choose_commune{"name":"Xã Đồng Tâm, huyện Quỳnh Phụ"}'
    assert len(payload) < TELEGRAM_CALLBACK_DATA_BYTES < len(payload.encode("utf-8"))
    data = payloads.encode(payload)
    assert data.startswith(STORED_PREFIX) and len(data.encode("utf-8")) <= TELEGRAM_CALLBACK_DATA_BYTES
    assert payloads.decode(data) == payload
    assert payloads.encode(payload) == data  # same payload, same key


def test_payload_that_looks_like_a_key_is_stored_too():
    payloads = CallbackPayloads()
    tricky = STORED_PREFIX + "abc"
    data = payloads.encode(tricky)
    assert data != tricky and payloads.decode(data) == tricky


def test_unknown_or_evicted_key_decodes_to_none():
    payloads = CallbackPayloads(capacity=2)
    keys = [payloads.encode(f"/choose_entry{{\"entry_id\":\"{n}-" + "x" * 70 + "\"}") for n in range(3)]
    assert payloads.decode(keys[0]) is None
    assert payloads.decode(keys[2]) is not None
    assert CallbackPayloads().decode(keys[2]) is None  # another process (or after a restart)


def test_inline_keyboard_one_button_per_row():
    payloads = CallbackPayloads()
    markup = inline_keyboard([Button("Có", "/affirm"), Button("", "/deny"), Button("Trống", "")], payloads)
    assert markup is not None
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert rows == [[("Có", "/affirm")], [("/deny", "/deny")]]
    assert inline_keyboard([], payloads) is None


def test_topic_buttons_cover_the_four_programmes_and_digital_skills():
    topics = []
    for button in menu_buttons():
        intent, _, entities = button.payload.partition("{")
        assert intent == "/choose_topic"
        topics.append(json.loads("{" + entities)["topic"])
        assert len(button.payload.encode("utf-8")) <= TELEGRAM_CALLBACK_DATA_BYTES
    assert topics == ["dich_vu_cong", "thanh_toan_so", "bhyt_dien_tu", "ocop_tmdt", "ky_nang_so"]
