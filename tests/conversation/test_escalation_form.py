"""Checks of the escalation form's answers, against the sample province in config/communes.yml."""

from __future__ import annotations

import pytest

from bot.conversation.buttons import AFFIRM, CANCEL, DENY
from bot.conversation.escalation_form import (
    PHONE_SKIPPED,
    FilledForm,
    ServiceTimes,
    ask_commune_message,
    ask_consent_message,
    ask_question_message,
    check_commune,
    check_consent,
    check_phone,
    check_question,
    confirm_commune_message,
    create_escalation,
    phone_value,
)
from bot.escalations.intake import EscalationRequest
from bot.province import Commune, load_province
from tests.escalations.helpers import COMMUNES_FILE


@pytest.fixture(scope="module")
def communes() -> list[Commune]:
    return list(load_province(COMMUNES_FILE).communes)


@pytest.mark.parametrize("typed", ["xã Tân Lập", "xa tan lap", "tan lap", "Tân Lập ạ", "SL03"])
def test_commune_found(typed: str, communes: list[Commune]):
    check = check_commune(typed, communes)
    assert check.value == "SL03" and check.messages == []


def test_commune_unknown_is_asked_again(communes: list[Commune]):
    check = check_commune("Hà Nội", communes)
    assert check.value is None
    assert "Hà Nội" in check.messages[0].text
    assert [b.payload for b in check.messages[0].buttons] == [CANCEL]


def test_ambiguous_commune_offers_buttons(communes: list[Commune]):
    check = check_commune("tan la", communes)  # one typo away from Tân Lập and from Tân Lạc
    assert check.value is None
    payloads = [b.payload for b in check.messages[0].buttons]
    assert '/inform{"commune":"SL03"}' in payloads and '/inform{"commune":"SL04"}' in payloads
    assert payloads[-1] == CANCEL
    # pressing a button gives the code, which is accepted as is
    assert check_commune("SL04", communes).value == "SL04"


@pytest.mark.parametrize(("typed", "expected"), [
    ("0912 345 678", "0912345678"),
    ("+84 912.345.678", "0912345678"),
    ("số của tôi 0987654321", "0987654321"),
    ("bỏ qua", PHONE_SKIPPED),
    ("Bo qua", PHONE_SKIPPED),
    ("không", PHONE_SKIPPED),
    (PHONE_SKIPPED, PHONE_SKIPPED),
])
def test_phone(typed: str, expected: str):
    assert check_phone(typed).value == expected


@pytest.mark.parametrize("typed", ["0912 345 67", "024 3825 1234", "abc"])
def test_bad_phone_is_asked_again_with_a_skip_button(typed: str):
    check = check_phone(typed)
    assert check.value is None
    assert "Bỏ qua" in [b.title for b in check.messages[0].buttons]


def test_phone_value():
    assert phone_value(PHONE_SKIPPED) is None
    assert phone_value(None) is None
    assert phone_value("0912345678") == "0912345678"


@pytest.mark.parametrize(("value", "expected"), [
    (True, True), (False, False), ("có", True), ("dong y", True), ("Vâng ạ", True), ("không", False), ("ko", False),
])
def test_consent(value: object, expected: bool):
    assert check_consent(value).value is expected


def test_unclear_consent_is_asked_again():
    check = check_consent("để tôi nghĩ")
    assert check.value is None
    assert [b.payload for b in check.messages[0].buttons] == [AFFIRM, DENY]


def test_consent_question_names_the_team_and_masks_the_phone(communes: list[Commune]):
    tan_lap = next(c for c in communes if c.code == "SL03")
    text = ask_consent_message(tan_lap, "0912345678", "telegram").text
    assert tan_lap.team.name in text and "091****678" in text and "0912345678" not in text
    assert "Telegram" in text
    assert "số điện thoại" not in ask_consent_message(tan_lap, None, "web").text


def test_question():
    assert check_question("  cần   hỏi về sổ đỏ ").value == "cần hỏi về sổ đỏ"
    assert check_question("/affirm", "làm sổ đỏ mất bao lâu", confirmed=True).value == "làm sổ đỏ mất bao lâu"
    assert check_question("/affirm", None, confirmed=True).value is None
    assert check_question("không").value is None and "Huỷ" in check_question("không").messages[0].text
    assert check_question("😀").value is None
    assert len(check_question("a" * 5000).value) == 1500


def test_the_form_shows_the_question_it_will_send():
    message = ask_question_message("Thủ tục cấp giấy phép xây dựng nhà ở nông thôn?")
    assert "Thủ tục cấp giấy phép xây dựng nhà ở nông thôn?" in message.text
    assert [b.title for b in message.buttons] == ["Gửi câu hỏi này", "Huỷ"]
    assert [b.payload for b in message.buttons] == ["/affirm", "/cancel"]
    assert "gõ câu hỏi" in ask_question_message(None).text


def test_a_known_commune_is_only_confirmed(communes: list[Commune]):
    yen_hoa = next(c for c in communes if c.code == "SL08")
    message = confirm_commune_message(yen_hoa)
    assert message.text == ("Bạn ở Xã Yên Hòa phải không? Tôi sẽ gửi câu hỏi tới Tổ công nghệ số cộng đồng "
                            "xã Yên Hòa.")
    assert [(b.title, b.payload) for b in message.buttons] == [
        ("Có, Xã Yên Hòa", '/inform{"commune":"SL08"}'), ("Chọn xã khác", DENY), ("Huỷ", CANCEL)]
    assert check_commune("SL08", communes, yen_hoa).value == "SL08"  # the button
    assert check_commune("có", communes, yen_hoa, "affirm").value == "SL08"  # a typed yes
    other = check_commune("/deny", communes, yen_hoa, "deny")  # "Chọn xã khác": asked for the name
    assert other.value is None and other.messages == [ask_commune_message()]
    assert check_commune("tan lap", communes, yen_hoa).value == "SL03"  # or the name typed straight away


def sent(code: str = "TL-7F3K2"):
    def submit(_request: EscalationRequest) -> str:
        return code
    return submit


def test_the_ticket_code_comes_with_what_happens_next_and_when(communes: list[Commune]):
    tan_lap = next(c for c in communes if c.code == "SL03")
    form = FilledForm(channel="web", chat_id="w-1", question="Làm sổ đỏ mất bao lâu?", commune=tan_lap, phone=None,
                      consent=True, topic=None, transcript=[])
    outcome = create_escalation(form, sent(), ServiceTimes(claim_hours=4, overdue_hours=24))
    [message] = outcome.messages
    assert "Mã phiếu của bạn: TL-7F3K2\n" in message.text
    assert "sau 4 giờ chưa có cán bộ nhận, Tổ được nhắc; sau 24 giờ" in message.text
    assert "qua khung trò chuyện này" in message.text
    assert [(b.title, b.payload) for b in message.buttons] == [("Phiếu của tôi", "/ask_ticket_status")]
    assert outcome.slots["ticket_code"] == "TL-7F3K2" and outcome.slots["home_commune"] == "SL03"  # remembered
