"""Buttons as numbered options on Zalo, and picking one by its number or its words."""

from __future__ import annotations

import pytest

from bot.channels.zalo import texts
from bot.channels.zalo.options import picked_option, plain_title, render_turn
from bot.conversation.buttons import AFFIRM, DENY, feedback_buttons
from bot.conversation.replies import FEEDBACK_QUESTION
from bot.conversation.topics import menu_buttons, menu_message
from bot.escalations.texts import rating_buttons
from bot.messages import Button, Message

RELATED = [Button("Cách cài VssID", '/choose_entry{"entry_id":"a"}'),
           Button("Quên mật khẩu VssID", '/choose_entry{"entry_id":"b"}')]


def test_an_answer_with_related_questions_numbers_them_then_the_feedback_in_reading_order():
    turn = render_turn([Message("Câu trả lời.\n\nNguồn: https://baohiemxahoi.gov.vn", RELATED),
                        Message(FEEDBACK_QUESTION, feedback_buttons())])
    answer, feedback = turn.texts
    assert answer.startswith("Câu trả lời.\n\nNguồn: https://baohiemxahoi.gov.vn\n\n")
    assert "1. Cách cài VssID\n2. Quên mật khẩu VssID\n" in answer
    assert texts.TYPE_A_NUMBER.format(example=1) in answer
    assert feedback == f"{FEEDBACK_QUESTION}\nGõ 3 nếu hữu ích, 4 nếu chưa."
    assert [o.payload for o in turn.options] == [*(b.payload for b in RELATED), "/feedback_good", "/feedback_bad"]


def test_feedback_alone_is_one_and_two_and_a_team_answer_keeps_its_ticket_payloads():
    turn = render_turn([Message("Tổ đã trả lời…", rating_buttons("TL-7F3K2"))])
    assert turn.texts == ["Tổ đã trả lời…\n" + texts.FEEDBACK_NUMBERS.format(good=1, bad=2)]
    assert picked_option("1", turn.options) == rating_buttons("TL-7F3K2")[0]
    assert picked_option("2", turn.options) == rating_buttons("TL-7F3K2")[1]


def test_the_topic_menu_becomes_five_numbered_topics():
    turn = render_turn([menu_message()])
    lines = turn.texts[0].splitlines()
    assert [line.split(". ", 1)[0] for line in lines if line[:1].isdigit()] == ["1", "2", "3", "4", "5"]
    assert turn.options == menu_buttons()


def test_numbers_a_title_already_carries_are_replaced():
    turn = render_turn([Message("Bạn muốn hỏi câu nào?", [Button("1. Cách cài VNeID", "/x"), Button("2. Khác", "/y")])])
    assert "1. Cách cài VNeID\n2. Khác" in turn.texts[0] and "1. 1." not in turn.texts[0]
    assert plain_title("12) Mục") == "Mục"


def test_a_message_of_buttons_only_gets_a_sentence_and_messages_without_text_are_dropped():
    turn = render_turn([Message("", []), Message("", [Button("Có", AFFIRM), Button("Không", DENY)])])
    assert len(turn.texts) == 1 and turn.texts[0].startswith(texts.CHOOSE_NUMBER)


@pytest.mark.parametrize(("typed", "payload"), [
    ("2", DENY), ("  1 ", AFFIRM), ("số 2", DENY), ("câu 1", AFFIRM), ("chon 2 nhe", DENY), ("cái đầu tiên", AFFIRM),
    ("Không, cảm ơn", DENY), ("co, nho to ho tro", AFFIRM),
])
def test_a_typed_number_or_the_words_of_an_option_pick_it(typed: str, payload: str):
    options = [Button("Có, nhờ Tổ hỗ trợ", AFFIRM), Button("Không, cảm ơn", DENY)]
    picked = picked_option(typed, options)
    assert picked is not None and picked.payload == payload


@pytest.mark.parametrize("typed", ["3", "0", "0912345678", "có", "cách cài vneid", "/affirm", ""])
def test_anything_else_picks_nothing(typed: str):
    assert picked_option(typed, [Button("Có, nhờ Tổ hỗ trợ", AFFIRM), Button("Không, cảm ơn", DENY)]) is None


def test_nothing_is_picked_when_nothing_is_on_offer():
    assert picked_option("1", []) is None


def test_hữu_ích_picks_the_good_rating():
    picked = picked_option("huu ich", feedback_buttons())
    assert picked is not None and picked.payload == "/feedback_good"
