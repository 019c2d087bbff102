"""Messages that cannot be read as questions are recognised before any retrieval."""

from __future__ import annotations

import pytest

from bot.conversation.input_check import classify_input, is_vietnamese_syllable
from bot.limits import ANSWERABLE_QUESTION_CHARS


@pytest.mark.parametrize("word", ["nghiêng", "khuyen", "người", "gia", "quy", "được", "truong", "oanh", "hoai", "Đồng"])
def test_vietnamese_syllables_with_or_without_diacritics(word: str):
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["how", "bill", "asdkjh", "qwe", "xyz", "vneid", "help"])
def test_non_syllables(word: str):
    assert not is_vietnamese_syllable(word)


@pytest.mark.parametrize("text", ["😀😀", "👍", "???", "...", "🙏 🙏", "  "])
def test_emoji_and_punctuation_only_have_no_text(text: str):
    assert classify_input(text) == "no_text"


@pytest.mark.parametrize("text", ["123456", "0912 345 678", "2", "١٢٣"])
def test_numbers_only_are_numbers_not_a_missing_text(text: str):
    assert classify_input(text) == "numbers"


def test_long_message_is_too_long():
    text = "Tôi muốn hỏi về cách cài VssID. " * 40
    assert len(text) > ANSWERABLE_QUESTION_CHARS
    assert classify_input(text) == "too_long"
    assert classify_input(text[:ANSWERABLE_QUESTION_CHARS]) == "ok"


@pytest.mark.parametrize("text", ["asdkjh qwe", "xyz qqq zzz", "fdsfsd ghjk"])
def test_gibberish(text: str):
    assert classify_input(text) == "gibberish"


@pytest.mark.parametrize("text", ["How do I pay my electricity bill?", "What is VNeID?", "我想支付电费",
                                  "Как оплатить?"])
def test_other_languages(text: str):
    assert classify_input(text, {"vneid"}) == "foreign"


@pytest.mark.parametrize("text", [
    "Cài ứng dụng VssID ở đâu?",
    "cai vssid o dau",
    "ck nham thi lam sao",
    "vneid bi khoa",
    "quên mk vneid",
])
def test_vietnamese_questions_are_read(text: str):
    known = {"vssid", "vneid", "ck", "mk"}
    assert classify_input(text, known) == "ok"


def test_unknown_brand_names_need_the_knowledge_words():
    assert classify_input("shopeepay zalopay") == "gibberish"
    assert classify_input("shopeepay zalopay", {"shopeepay", "zalopay"}) == "ok"
