"""Telegram message text: splitting under the length limit and safe HTML rendering.

Telegram counts a message's length after parsing its entities, in UTF-16 code units, and refuses
more than 4,096. Splitting works on the plain text, which is exactly what the citizen sees once
rendered, preferring paragraph, then line, then word boundaries. Rendering escapes every
character of the text and turns `http(s)` URLs (e.g. the "Nguồn: https://..." line of answers) into links.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from bot.limits import TELEGRAM_MESSAGE_UTF16

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SEPARATORS = ("\n\n", "\n", " ")
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?'\"”’»…"


def utf16_len(text: str) -> int:
    """Length of `text` as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = TELEGRAM_MESSAGE_UTF16) -> list[str]:
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


def _trim_url(url: str) -> tuple[str, str]:
    """Split trailing punctuation (and an unbalanced closing bracket) off a URL: `(url, rest)`."""
    end = len(url)
    while end > 0:
        char = url[end - 1]
        if char in _TRAILING_PUNCTUATION or (char == ")" and url.count("(", 0, end) < url.count(")", 0, end)):
            end -= 1
            continue
        break
    return url[:end], url[end:]


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:  # e.g. a malformed IPv6 literal
        return False


def to_html(text: str) -> str:
    """Render plain text for Telegram's HTML parse mode: everything escaped, web addresses clickable."""
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url, rest = _trim_url(match.group(0))
        parts.append(html.escape(text[position:match.start()], quote=False))
        if _has_host(url):
            parts.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url, quote=False)}</a>')
        else:
            parts.append(html.escape(url, quote=False))
        parts.append(html.escape(rest, quote=False))
        position = match.end()
    parts.append(html.escape(text[position:], quote=False))
    return "".join(parts)
