"""Reading the conversation: what was said, and which option was picked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

from bot.limits import ESCALATION_TRANSCRIPT_TURNS
from bot.text import fold

Speaker = Literal["citizen", "bot"]

_ORDINALS = {"mot": 1, "nhat": 1, "dau": 1, "dau tien": 1, "hai": 2, "nhi": 2, "ba": 3, "bon": 4, "tu": 4,
             "nam": 5}
_CHOICE = re.compile(r"^(?:(?:chon|cho|lay|xem)\s+)?(?:(?:cau|so|cai|muc|y)\s+)?(?:thu\s+|so\s+)?"
                     r"(\d|mot|nhat|dau tien|dau|hai|nhi|ba|bon|tu|nam)(?:\s+(?:a|nhe|nha|di))?$")


def prompted_since_user(events: Sequence[dict[str, Any]]) -> bool:
    """True when the assistant already said something after the citizen's last message."""
    for event in reversed(events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and (event.get("text") or event.get("data", {}).get("buttons")):
            return True
    return False


def transcript(events: Sequence[dict[str, Any]],
               turns: int = ESCALATION_TRANSCRIPT_TURNS) -> list[tuple[Speaker, str]]:
    """The last `turns` messages before the escalation form started, as (speaker, text)."""
    end = len(events)
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "active_loop" and event.get("name") == "escalation_form":
            end = index
            break
    lines: list[tuple[Speaker, str]] = []
    for event in events[:end]:
        text = (event.get("text") or "").strip()
        if not text:
            continue
        if event.get("event") == "user":
            lines.append(("citizen", text))
        elif event.get("event") == "bot":
            lines.append(("bot", text))
    return lines[-turns:]


def chosen_option(text: str, options: Sequence[str]) -> str | None:
    """The option a typed choice points at ("2", "câu 2", "cau thu hai", "cái đầu tiên"), if any."""
    match = _CHOICE.match(fold(text))
    if not match or not options:
        return None
    token = match.group(1)
    number = int(token) if token.isdigit() else _ORDINALS[token]
    return options[number - 1] if 1 <= number <= len(options) else None
