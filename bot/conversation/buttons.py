"""The buttons the conversation offers, and the payloads it understands when they are pressed."""

from __future__ import annotations

import json

from bot.limits import BUTTON_TITLE_CHARS
from bot.messages import Button

FEEDBACK_GOOD = "/feedback_good"
FEEDBACK_BAD = "/feedback_bad"
AFFIRM = "/affirm"
DENY = "/deny"
CANCEL = "/cancel"
SKIP_PHONE = DENY
MY_TICKETS = "/ask_ticket_status"
QUESTION_ENTITY = "question"
"""Entity of a 👍/👎 payload: the question-log id of the answer rated."""
TICKET_ENTITY = "ticket"
"""Entity of a payload about one ticket (a 👍/👎 on a team's answer, reopening it)."""


def intent_payload(intent: str, **entities: str) -> str:
    """A Rasa payload that sets the intent (and entities) directly: `/intent{"entity":"value"}`."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(entities, ensure_ascii=False, separators=(',', ':'))}"


def entry_payload(entry_id: str) -> str:
    """Payload of a button that answers one knowledge entry."""
    return intent_payload("choose_entry", entry_id=entry_id)


def topic_payload(topic_key: str) -> str:
    """Payload of a button that opens one topic of the menu."""
    return intent_payload("choose_topic", topic=topic_key)


def commune_payload(code: str) -> str:
    """Payload of a button that names a commune in the escalation form."""
    return intent_payload("inform", commune=code)


def short_title(text: str, limit: int = BUTTON_TITLE_CHARS) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis when longer than `limit`."""
    one_line = " ".join(text.split())
    if len(one_line) <= limit:
        return one_line
    cut = one_line[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:")
    return cut + "…"


def feedback_buttons(question_id: int | None = None, entry_id: str | None = None) -> list[Button]:
    """👍 / 👎 after an answer. The payloads name the answer they are shown under (its logged question, else its
    entry), so a button pressed later rates that answer and not the latest one."""
    if question_id is not None:
        rated = {QUESTION_ENTITY: str(question_id)}
    elif entry_id:
        rated = {"entry_id": entry_id}
    else:
        rated = {}
    return [Button("👍 Hữu ích", intent_payload(FEEDBACK_GOOD[1:], **rated)),
            Button("👎 Chưa đúng ý", intent_payload(FEEDBACK_BAD[1:], **rated))]


def escalation_offer_buttons() -> list[Button]:
    """Yes / no to passing the question to the community tech team."""
    return [Button("Có, nhờ Tổ hỗ trợ", AFFIRM), Button("Không, cảm ơn", DENY)]
