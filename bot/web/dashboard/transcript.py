"""A ticket's earlier conversation as the citizen saw it: pressed buttons shown by their titles, form prompts left out.

Stored transcripts keep what Rasa received: a pressed button arrives as its payload (`/deny`,
`/choose_entry{"entry_id": "…"}`), and the questions of an earlier escalation form or of 👍/👎 sit between
the messages. The team member reads the citizen's own words and the assistant's answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.conversation.buttons import AFFIRM, CANCEL, DENY, FEEDBACK_BAD, FEEDBACK_GOOD, MY_TICKETS, feedback_buttons
from bot.conversation.escalation_form import ask_commune_message, ask_phone_message, ask_question_message
from bot.conversation.feedback import REOPEN_INTENT
from bot.conversation.replies import FEEDBACK_QUESTION
from bot.conversation.topics import menu_topic

_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$", re.DOTALL)
_GOOD, _BAD = (button.title for button in feedback_buttons())
_PRESSED = {AFFIRM: "Có", DENY: "Không", CANCEL: "Huỷ", FEEDBACK_GOOD: _GOOD, FEEDBACK_BAD: _BAD,
            MY_TICKETS: "Phiếu của tôi", f"/{REOPEN_INTENT}": "Mở lại phiếu"}
"""What the citizen saw on the buttons whose payload carries no entity."""
_CONSENT_QUESTION = "Bạn có đồng ý không?"
_PROMPTS = (FEEDBACK_QUESTION, ask_question_message(None).text, ask_question_message("…").text.split("\"")[0])
"""The starts of the assistant's questions about the conversation (👍/👎, what to pass on), left out."""
_PERSONAL_PROMPTS = (ask_commune_message().text, ask_phone_message().text)
"""The starts of the escalation form's questions whose replies (commune, phone number) are left out with them."""


@dataclass(frozen=True)
class Line:
    """One message of the transcript as shown: who said it, the text, and whether it was a button press."""

    speaker: str
    text: str
    pressed: bool = False


def _is_personal_prompt(text: str) -> bool:
    return text.startswith(_PERSONAL_PROMPTS) or text.endswith(_CONSENT_QUESTION)


def pressed_title(payload: str, entry_title: Callable[[str], str | None],
                  commune_name: Callable[[str], str | None]) -> str | None:
    """The title of the button a payload comes from ("/deny" → "Không"); None when it is not a payload."""
    match = _PAYLOAD.match(payload.strip())
    if not match:
        return None
    if payload.strip() in _PRESSED:
        return _PRESSED[payload.strip()]
    try:
        entities = json.loads(match.group(2)) if match.group(2) else {}
    except json.JSONDecodeError:
        entities = {}
    entities = entities if isinstance(entities, dict) else {}
    intent = match.group(1)
    if intent == "choose_entry" and isinstance(entities.get("entry_id"), str):
        return entry_title(entities["entry_id"]) or "một câu hỏi gợi ý"
    if intent == "choose_topic" and isinstance(entities.get("topic"), str):
        topic = menu_topic(entities["topic"])
        return topic.title if topic else "một chủ đề"
    if intent == "inform" and isinstance(entities.get("commune"), str):
        return commune_name(entities["commune"]) or entities["commune"]
    if f"/{intent}" in _PRESSED:
        return _PRESSED[f"/{intent}"]
    return "một nút bấm"


def shown_transcript(transcript: Sequence[Sequence[str]], entry_title: Callable[[str], str | None],
                     commune_name: Callable[[str], str | None]) -> list[Line]:
    """The transcript as the citizen saw it: button presses by title, form prompts and the replies to them left out.

    `entry_title(entry_id)` and `commune_name(code)` name what a button pointed at.
    """
    lines: list[Line] = []
    skip_reply = False
    for speaker, text in (tuple(pair) for pair in transcript if len(pair) == 2):
        text = text.strip()
        if not text:
            continue
        if speaker == "bot":
            skip_reply = _is_personal_prompt(text)
            if not skip_reply and not text.startswith(_PROMPTS):
                lines.append(Line("bot", text))
            continue
        if skip_reply:
            skip_reply = False
            continue
        title = pressed_title(text, entry_title, commune_name)
        lines.append(Line("citizen", title, pressed=True) if title is not None else Line("citizen", text))
    return lines
