"""Phone numbers, ticket codes and the status transition table."""

from __future__ import annotations

import pytest

from bot.escalations.states import TRANSITIONS, InvalidTransition, check_transition
from bot.escalations.ticket_codes import ALPHABET, find_ticket_code, new_ticket_code
from bot.phone import mask_phone, normalize_mobile


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84 912 345 678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("(+84) 912.345.678", "0912345678"),
        ("091-234-5678", "0912345678"),
        ("số của tôi là 0356 123 456 nhé", "0356123456"),
        ("0868123456", "0868123456"),
        ("0523456789", "0523456789"),
        ("0241234567", None),  # Hà Nội landline
        ("0123456789", None),  # old 11-digit era prefix, not a mobile today
        ("0912345", None),
        ("09123456789", None),
        ("+1 415 555 1234", None),
        ("bỏ qua", None),
    ],
)
def test_normalize_mobile(text: str, expected: str | None) -> None:
    assert normalize_mobile(text) == expected


def test_mask_phone_hides_the_middle() -> None:
    assert mask_phone("0912345678") == "091****678"
    assert mask_phone("12345") == "*****"


def test_ticket_codes_use_an_unambiguous_alphabet() -> None:
    assert not set("01OIL") & set(ALPHABET)
    codes = {new_ticket_code() for _ in range(500)}
    assert len(codes) > 490
    for code in codes:
        assert code.startswith("TL-") and len(code) == 8 and set(code[3:]) <= set(ALPHABET)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("phiếu TL-7F3K2 thế nào rồi?", "TL-7F3K2"),
        ("phieu tl 7f3k2 the nao roi", "TL-7F3K2"),
        ("TL7F3K2", "TL-7F3K2"),
        ("ma so tl-7f3k", None),
        ("TL-7F3K0", None),
        ("không có mã", None),
    ],
)
def test_find_ticket_code(text: str, expected: str | None) -> None:
    assert find_ticket_code(text) == expected


def test_transition_table() -> None:
    allowed = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert allowed == {
        ("open", "claimed"), ("open", "answered"), ("open", "cancelled"),
        ("claimed", "open"), ("claimed", "answered"), ("claimed", "cancelled"),
        ("answered", "closed"), ("answered", "open"), ("closed", "open"),
    }
    for current in TRANSITIONS:
        for wanted in TRANSITIONS:
            if (current, wanted) in allowed:
                check_transition("TL-22222", current, wanted)
            else:
                with pytest.raises(InvalidTransition, match=f"'{current}' to '{wanted}'"):
                    check_transition("TL-22222", current, wanted)
