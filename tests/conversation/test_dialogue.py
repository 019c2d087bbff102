"""Reading events and typed choices."""

from __future__ import annotations

import pytest

from bot.conversation.dialogue import chosen_option, prompted_since_user, transcript


def test_prompted_since_user():
    user = {"event": "user", "text": "tan"}
    said = {"event": "bot", "text": "Tôi chưa tìm thấy xã/phường"}
    slot = {"event": "slot", "name": "commune", "value": None}
    assert prompted_since_user([user, slot, said, slot])
    assert not prompted_since_user([said, user, slot])
    assert not prompted_since_user([])


def test_transcript_stops_at_the_form():
    events = [
        {"event": "user", "text": "xin chào"},
        {"event": "bot", "text": "Xin chào bạn!"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "làm sổ đỏ mất bao lâu"},
        {"event": "bot", "text": "Xin lỗi, tôi chưa chắc chắn..."},
        {"event": "user", "text": "có"},
        {"event": "active_loop", "name": "escalation_form"},
        {"event": "bot", "text": "Bạn đang sống ở xã/phường nào?"},
        {"event": "user", "text": "tan lap"},
    ]
    assert transcript(events) == [
        ("citizen", "xin chào"), ("bot", "Xin chào bạn!"), ("citizen", "làm sổ đỏ mất bao lâu"),
        ("bot", "Xin lỗi, tôi chưa chắc chắn..."), ("citizen", "có"),
    ]
    assert transcript(events, turns=2) == [("bot", "Xin lỗi, tôi chưa chắc chắn..."), ("citizen", "có")]


@pytest.mark.parametrize(("text", "expected"), [
    ("2", "b"), ("câu 1", "a"), ("cau thu hai", "b"), ("chọn câu 3", "c"), ("cái đầu tiên", "a"),
    ("số 3 nhé", "c"), ("câu 4", None), ("0", None), ("cách cài vssid", None), ("2 cái app", None),
])
def test_chosen_option(text: str, expected: str | None):
    assert chosen_option(text, ["a", "b", "c"]) == expected


def test_no_options_no_choice():
    assert chosen_option("1", []) is None
