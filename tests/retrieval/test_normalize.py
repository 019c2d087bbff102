"""Normalisation: diacritics, punctuation and chat abbreviations."""

from bot.retrieval.normalize import normalize


def test_abbreviations_expand_and_keep_the_typed_token():
    forms = normalize("CK nhầm STK thì lm j???")
    assert forms.cleaned == "chuyển khoản nhầm số tài khoản thì làm gì"
    assert forms.stripped == "chuyen khoan nham so tai khoan thi lam gi"
    assert forms.lexical_tokens[:3] == ["ck", "chuyen", "khoan"]


def test_d_stroke_may_be_typed_as_d():
    assert normalize("đk tk ko đc").cleaned == normalize("dk tk ko dc").cleaned == "đăng ký tài khoản không được"


def test_words_with_diacritics_are_not_taken_for_abbreviations():
    assert normalize("vì sao ví bị khóa").cleaned == "vì sao ví bị khóa"
