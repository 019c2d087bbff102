"""Recognising a question about an administrative procedure, and several questions in one message."""

from __future__ import annotations

import pytest

from bot.conversation.procedures import portal_search_url, procedure_name
from bot.conversation.question_parts import question_parts


@pytest.mark.parametrize(("text", "name"), [
    ("Thủ tục xin giấy phép xây dựng nhà ở riêng lẻ cần những giấy tờ gì?", "giấy phép xây dựng nhà"),
    ("cho em hỏi thủ tục cấp lại bằng lái xe máy bị mất mất bao lâu ạ", "cấp lại bằng lái xe máy"),
    ("lam ho chieu lan dau cho con thi can nhung giay to gi", "ho chieu lan dau"),
    ("Đăng ký kết hôn với người nước ngoài làm ở đâu?", "đăng ký kết hôn"),
])
def test_procedure_names_are_taken_from_the_citizens_words(text: str, name: str):
    assert procedure_name(text) == name


@pytest.mark.parametrize("text", ["giá vàng hôm nay", "cách cài vssid", "hồ sơ", "tôi đã nộp hồ sơ rồi"])
def test_messages_that_do_not_ask_about_a_procedure(text: str):
    assert procedure_name(text) is None


def test_portal_search_url_encodes_the_name():
    url = portal_search_url("giấy phép  xây dựng", "https://dichvucong.gov.vn/tim?keyword={query}")
    assert url == "https://dichvucong.gov.vn/tim?keyword=gi%E1%BA%A5y+ph%C3%A9p+x%C3%A2y+d%E1%BB%B1ng"


@pytest.mark.parametrize(("text", "parts"), [
    ("Quên mật khẩu VNeID thì lấy lại thế nào? Với lại giá vàng hôm nay bao nhiêu?",
     ["Quên mật khẩu VNeID thì lấy lại thế nào", "giá vàng hôm nay bao nhiêu"]),
    ("quen mat khau vneid thi lay lai sao, tien the cho hoi luon thu tuc xin giay phep xay dung",
     ["quen mat khau vneid thi lay lai sao", "thu tuc xin giay phep xay dung"]),
    ("Mất thẻ căn cước thì làm lại online được không? Tiện hỏi luôn làm hộ chiếu có làm online được không.",
     ["Mất thẻ căn cước thì làm lại online được không", "làm hộ chiếu có làm online được không"]),
])
def test_several_questions_are_cut_apart(text: str, parts: list[str]):
    assert question_parts(text) == parts


@pytest.mark.parametrize("text", [
    "nạp tiền và rút tiền vào ví thế nào",
    "Tôi muốn lên mức 2 thì phải ra chỗ nào, có phải về công an xã không, và mang theo những gì?",
    "co dua goi tu nhan nhan vien bhxh bat ket ban zalo de? tro cap",
])
def test_one_question_stays_whole(text: str):
    assert len(question_parts(text)) == 1
