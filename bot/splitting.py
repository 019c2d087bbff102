"""Splitting a long message into parts under a channel's length limit, on paragraph, line, then word boundaries.

Lengths are counted in UTF-16 code units, as Telegram counts them; a part within a limit counted so is also
within it counted in characters (code points), as Zalo counts.
"""

from __future__ import annotations

import re

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SEPARATORS = ("\n\n", "\n", " ")


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (as Telegram counts it)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int) -> list[str]:
    """Split `text` into chunks of at most `limit` UTF-16 units, on paragraph, line, then word boundaries.

    Blank-only input gives `[]`; no chunk starts or ends with white space.
    """
    text = _PARAGRAPH_BREAK.sub("\n\n", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        return []
    return [chunk.strip() for chunk in _split(text, limit, 0) if chunk.strip()]


def _split(text: str, limit: int, level: int) -> list[str]:
    if utf16_len(text) <= limit:
        return [text]
    if level == len(_SEPARATORS):
        return _hard_cut(text, limit)
    separator = _SEPARATORS[level]
    chunks: list[str] = []
    current = ""
    for piece in text.split(separator):
        candidate = f"{current}{separator}{piece}" if current else piece
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        if utf16_len(piece) <= limit:
            current = piece
        else:
            *done, current = _split(piece, limit, level + 1)
            chunks.extend(done)
    if current:
        chunks.append(current)
    return chunks


def _hard_cut(text: str, limit: int) -> list[str]:
    """Cut a single over-long word by code points, never inside a surrogate pair."""
    chunks: list[str] = []
    current = ""
    for char in text:
        if utf16_len(current) + utf16_len(char) > limit:
            chunks.append(current)
            current = ""
        current += char
    if current:
        chunks.append(current)
    return chunks
