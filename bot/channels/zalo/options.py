"""Buttons as numbered options, since Zalo has no inline buttons: the options of a reply are numbered in the
order the citizen reads them, and a typed number ("2", "câu 2", "số hai") or an option's own words ("hữu ích",
"bỏ qua") picks one. Only an option the assistant offered can be picked this way, so a citizen can never type
a command of the conversation engine (`/intent{...}`) through a number."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.channels.zalo import texts
from bot.conversation.buttons import FEEDBACK_BAD, FEEDBACK_GOOD
from bot.conversation.dialogue import chosen_option
from bot.limits import ZALO_NUMBERED_OPTIONS
from bot.messages import Button, Message
from bot.text import fold

_NUMBERED_TITLE = re.compile(r"^\s*\d+\s*[.)]\s*")


@dataclass(frozen=True)
class RenderedTurn:
    """The texts of a reply's messages, options written in, and the options in their numbered order."""

    texts: list[str]
    options: list[Button]


def plain_title(title: str) -> str:
    """A button title without a number of its own ("1. Cách cài VssID" → "Cách cài VssID")."""
    return _NUMBERED_TITLE.sub("", title).strip()


def _is_feedback(buttons: Sequence[Button]) -> bool:
    """👍/👎 (the assistant's or a team answer's, whose payloads carry the ticket)."""
    return (len(buttons) == 2 and buttons[0].payload.startswith(FEEDBACK_GOOD)
            and buttons[1].payload.startswith(FEEDBACK_BAD))


def _with_options(text: str, buttons: Sequence[Button], first: int) -> str:
    """`text` followed by its options numbered from `first` (past the last number, as plain bullets)."""
    text = text.strip() or texts.CHOOSE_NUMBER
    if _is_feedback(buttons):
        return f"{text}\n{texts.FEEDBACK_NUMBERS.format(good=first, bad=first + 1)}"
    lines = []
    for number, button in enumerate(buttons, start=first):
        title = plain_title(button.title) or button.payload
        lines.append(f"{number}. {title}" if number <= ZALO_NUMBERED_OPTIONS else f"• {title}")
    if first <= ZALO_NUMBERED_OPTIONS:
        lines.append(texts.TYPE_A_NUMBER.format(example=first))
    return text + "\n\n" + "\n".join(lines)


def render_turn(messages: Sequence[Message]) -> RenderedTurn:
    """Every message of one reply as text, its buttons written in as numbered options, numbered across the reply."""
    rendered: list[str] = []
    options: list[Button] = []
    for message in messages:
        buttons = [b for b in message.buttons if b.payload]
        if not buttons:
            if message.text.strip():
                rendered.append(message.text)
            continue
        rendered.append(_with_options(message.text, buttons, len(options) + 1))
        options.extend(buttons)
    return RenderedTurn(rendered, options)


def picked_option(text: str, options: Sequence[Button]) -> Button | None:
    """The offered option a typed message picks, by its number or by its words; None when it picks none."""
    if not options:
        return None
    numbered = list(options[:ZALO_NUMBERED_OPTIONS])
    index = chosen_option(text, [str(n) for n in range(len(numbered))])
    if index is not None:
        return numbered[int(index)]
    typed = fold(text)
    if not typed:
        return None
    return next((option for option in options if fold(plain_title(option.title)) == typed), None)
