"""Ticket codes given to citizens: "TL-" and five characters that cannot be misread (no 0/O, 1/I/L)."""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PREFIX = "TL-"
LENGTH = 5

_IN_TEXT = re.compile(rf"\bTL[\s\-_.:#]*([{ALPHABET}]{{{LENGTH}}})\b", re.IGNORECASE)


def new_ticket_code() -> str:
    """A random code such as "TL-7F3K2" (31⁵ ≈ 28.6 million possibilities)."""
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def find_ticket_code(text: str) -> str | None:
    """The ticket code mentioned in `text` ("phieu tl 7f3k2 the nao roi" → "TL-7F3K2"), if any."""
    match = _IN_TEXT.search(text)
    return PREFIX + match.group(1).upper() if match else None
