"""Short follow-ups are read with the previous question; everything else stands on its own."""

from __future__ import annotations

import pytest

from bot.conversation.followup import PreviousQuestion, is_short, looks_like_followup, resolve
from bot.retrieval.retriever import Retriever


@pytest.mark.parametrize("text", ["thế còn vssid?", "còn trên điện thoại thì sao?", "the con zalo",
                                  "vậy còn bhyt hộ gia đình", "còn nếu quên mật khẩu", "trên máy tính thì sao"])
def test_follow_ups(text: str):
    assert looks_like_followup(text)


@pytest.mark.parametrize("text", ["cách cài vssid", "chuyển khoản nhầm thì lấy lại thế nào",
                                  "thế còn vssid thì sao nếu tôi đã đổi điện thoại mới và quên cả mật khẩu"])
def test_not_follow_ups(text: str):
    assert not looks_like_followup(text)


def test_short():
    assert is_short("thế còn vssid?") and not is_short("") and not is_short("một " * 9)


VNEID = PreviousQuestion(text="quên mật khẩu vneid", entry_id="dvc-vneid-quen-mat-khau",
                         entry_question="Quên mật khẩu đăng nhập VNeID thì lấy lại thế nào?")


def test_follow_up_resolved_with_context_and_not_the_same_entry(retriever: Retriever):
    resolution = resolve(retriever, "thế còn vssid?", VNEID)
    assert resolution.context_used
    assert resolution.query.startswith(VNEID.entry_question)
    assert resolution.result.entry_id == "bhyt-vssid-quen-mat-khau"
    assert "dvc-vneid-quen-mat-khau" not in [c.entry_id for c in resolution.result.candidates]


def test_a_complete_question_ignores_the_context(retriever: Retriever):
    question = "Cài ứng dụng VssID thật ở đâu để không bị cài nhầm ứng dụng giả?"
    resolution = resolve(retriever, question, VNEID)
    assert not resolution.context_used and resolution.query == question
    assert resolution.result.entry_id == "bhyt-vssid-cai-dat"


def test_without_a_previous_question(retriever: Retriever):
    assert not resolve(retriever, "thế còn vssid?", None).context_used
