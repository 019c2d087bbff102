"""The payloads any conversation may send as commands, whether or not they were offered in it (`bot.door`)."""

from __future__ import annotations

import re

from bot.conversation.buttons import MY_TICKETS
from bot.conversation.feedback import REOPEN_INTENT
from bot.conversation.topics import MENU
from bot.door import Command
from bot.escalations.ticket_codes import ALPHABET, LENGTH, PREFIX

_TICKET = re.compile(rf"^{PREFIX}[{ALPHABET}]{{{LENGTH}}}$")
RATING_INTENTS = frozenset({"feedback_good", "feedback_bad"})
TICKET_LIST_INTENT = MY_TICKETS.removeprefix("/")
BUTTON_INTENTS = frozenset({*RATING_INTENTS, "affirm", "deny", "cancel", "choose_entry", "choose_topic", "inform",
                            REOPEN_INTENT, TICKET_LIST_INTENT})
"""The intents of the assistant's buttons (`bot/conversation/buttons.py`, `feedback.py`, `bot/escalations/texts.py`)."""


def is_standing_payload(command: Command) -> bool:
    """A topic of the menu (shown by every channel's welcome), "Phiếu của tôi" (shown by the widget's greeting
    after a restart; it lists only the conversation's own tickets), or 👍/👎, bare or with a ticket code (a team's
    answer reaches the citizen outside the conversation, with these buttons)."""
    if command.intent == TICKET_LIST_INTENT:
        return not command.entities
    if command.intent == "choose_topic":
        return set(command.entities) == {"topic"} and any(t.key == command.entities["topic"] for t in MENU)
    if command.intent in RATING_INTENTS:
        return not command.entities or (set(command.entities) == {"ticket"}
                                         and bool(_TICKET.match(command.entities["ticket"])))
    return False


def is_button_command(command: Command) -> bool:
    """A command of a kind the assistant's buttons send (never `/restart`, `/session_start`, `/greet`…)."""
    return command.intent in BUTTON_INTENTS
