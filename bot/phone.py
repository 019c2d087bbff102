"""Vietnamese mobile numbers: recognising them as typed, and masking them for logs and screens."""

from __future__ import annotations

import re

MOBILE = re.compile(r"0(?:3[2-9]|5[25689]|7[06789]|8[1-9]|9\d)\d{7}")
"""Ten-digit mobile numbers of the Vietnamese networks (03x, 05x, 07x, 08x, 09x prefixes in use)."""

_CANDIDATE = re.compile(r"(?<![\d+])(?:\+|00)?\d[\d .\-()]{7,17}\d(?!\d)")
_SEPARATORS = re.compile(r"[ .\-()]")


def _national(digits: str) -> str:
    """The national form of a run of digits with an optional +84 / 84 / 0084 country code."""
    for prefix in ("+84", "0084", "84"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 9:
            return "0" + digits[len(prefix):]
    return digits


def normalize_mobile(text: str) -> str | None:
    """The mobile number in `text` as ten digits ("0912 345 678", "+84 912.345.678" → "0912345678").

    None when the text holds no Vietnamese mobile number (landlines and foreign numbers included).
    """
    for match in _CANDIDATE.finditer(text):
        number = _national(_SEPARATORS.sub("", match.group()))
        if MOBILE.fullmatch(number):
            return number
    return None


def mask_phone(phone: str) -> str:
    """The number with its middle hidden: "0912345678" → "091****678"; short strings are fully hidden."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 6) + phone[-3:]
