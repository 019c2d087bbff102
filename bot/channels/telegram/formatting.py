"""Telegram message text as safe HTML.

Telegram counts a message's length after parsing its entities, in UTF-16 code units, and refuses more than
4,096: the plain text, which is exactly what the citizen sees once rendered, is split first
(`bot.splitting.split_message`). Rendering escapes every character of the text and turns `http(s)` URLs
(e.g. the "Nguồn: https://..." line of answers) into links.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?'\"”’»…"


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
