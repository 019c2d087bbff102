"""A message is read with the previous question only when it cannot stand alone."""

from __future__ import annotations

import pytest

from bot.conversation.followup import PreviousQuestion, needs_context, resolve
from bot.retrieval.retriever import Retriever


@pytest.mark.parametrize("text", [
    "thế còn vssid?", "còn trên điện thoại thì sao?", "the con zalo", "vậy còn bhyt hộ gia đình",
    "còn nếu quên mật khẩu", "trên máy tính thì sao", "mất phí không?", "bao lâu thì có?",
    "vậy ở xã có làm được không", "cái đó làm ở đâu", "app đó có an toàn không", "làm như vậy có được không",
    "con neu bi mat the thi sao",
])
def test_messages_that_cannot_stand_alone(text: str):
    assert needs_context(text)


@pytest.mark.parametrize("text", [
    "cách cài vssid", "cach cai vssid", "chuyen khoan nham thi lam sao", "chuyển khoản nhầm thì lấy lại thế nào",
    "thủ tục ly hôn", "quên mật khẩu vneid", "con tôi 5 tuổi làm thẻ bhyt ở đâu", "con toi 5 tuoi lam the bhyt o dau",
    "nạp tiền điện thoại bằng ví thế nào", "sổ đỏ bị mất thì làm sao",
    "thế còn vssid thì sao nếu tôi đã đổi điện thoại mới và quên cả mật khẩu đăng nhập luôn",
])
def test_messages_that_name_their_own_subject(text: str):
    assert not needs_context(text)


VNEID = PreviousQuestion(text="quên mật khẩu vneid", entry_id="dvc-vneid-quen-mat-khau",
                         entry_question="Quên mật khẩu đăng nhập VNeID thì lấy lại thế nào?")


def test_follow_up_with_a_new_subject_is_read_in_context_without_the_last_answer(retriever: Retriever):
    resolution = resolve(retriever, "thế còn vssid?", VNEID)
    assert resolution.context_used
    assert resolution.query.startswith(VNEID.entry_question)
    assert resolution.result.entry_id == "bhyt-vssid-quen-mat-khau"
    assert "dvc-vneid-quen-mat-khau" not in [c.entry_id for c in resolution.result.candidates]


def test_a_short_question_with_its_own_subject_ignores_the_context(retriever: Retriever):
    resolution = resolve(retriever, "cach cai vssid", VNEID)
    assert not resolution.context_used and resolution.query == "cach cai vssid"
    assert "dvc-vneid-quen-mat-khau" not in [c.entry_id for c in resolution.result.chosen]


def test_an_attribute_question_may_be_answered_by_the_same_entry(retriever: Retriever):
    previous = PreviousQuestion("dang ky vneid muc 2 o dau", "dvc-dang-ky-vneid-muc-2",
                                retriever.entries["dvc-dang-ky-vneid-muc-2"].question)
    resolution = resolve(retriever, "mất phí không?", previous)
    assert resolution.context_used
    assert "dvc-dang-ky-vneid-muc-2" in [c.entry_id for c in resolution.result.candidates[:3]]


def test_without_a_previous_question(retriever: Retriever):
    assert not resolve(retriever, "thế còn vssid?", None).context_used
