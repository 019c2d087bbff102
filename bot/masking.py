"""Hiding personal data in free text shown on screens and in exports (citizens type phone numbers in questions),
and chat ids in logs."""

from __future__ import annotations

import re

from bot.phone import mask_phone

_PHONE_LIKE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d .\-()]{6,17}\d(?!\w)")
"""Runs of 8 or more digits with the separators people type (phone numbers, national id numbers)."""
_EMAIL = re.compile(r"\b([\w.+-])[\w.+-]*@([\w-]+\.)+[\w-]{2,}\b")
MIN_DIGITS = 8


def _mask_number(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return mask_phone(digits) if len(digits) >= MIN_DIGITS else match.group()


def mask_text(text: str | None) -> str:
    """`text` with phone-like numbers ("0912 345 678" → "091****678") and e-mail addresses hidden."""
    if not text:
        return ""
    text = _PHONE_LIKE.sub(_mask_number, text)
    return _EMAIL.sub(lambda m: f"{m.group(1)}***@***", text)



def mask_id(value: int | str) -> str:
    """A chat or user id with its middle hidden, for logs: `123456789` -> `12*****89`."""
    text = str(value)
    if len(text) <= 4:
        return "*" * len(text)
    return f"{text[:2]}{'*' * (len(text) - 4)}{text[-2:]}"


_URL_PASSWORD = re.compile(r"^([a-z][a-z0-9+.-]*://[^:/@]*):[^@/]*@", re.IGNORECASE)


def mask_url_password(url: str) -> str:
    """A database or Redis URL with its password hidden, for logs and banners:
    `postgresql://app:secret@db/x` -> `postgresql://app:***@db/x`."""
    return _URL_PASSWORD.sub(r"\1:***@", url)
