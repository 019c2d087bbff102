"""The door between citizens and the conversation engine: what Rasa may read as a command.

Rasa reads any message starting with "/" as a command that sets the intent and entities directly
(`/restart`, `/session_start`, `/inform{"commune": "…"}`). A citizen's message reaches Rasa as such a command
only when it is exactly a button payload the assistant offered in that conversation (remembered per
conversation, in memory and bounded) or a payload every conversation may send (the topic menu, 👍/👎 under a
team's answer), and only when it is well formed: a known shape, entities a flat object of short strings.
Anything else is passed as plain text, its leading slashes removed, so that Rasa reads its words as a message.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.limits import CHAT_MESSAGE_CHARS, OFFERED_PAYLOADS_PER_CONVERSATION, OFFERING_CONVERSATIONS
from bot.messages import Message

COMMAND_PREFIX = "/"
_COMMAND = re.compile(r"^/(?P<intent>[a-z_]{1,64})(?P<entities>\{.*\})?$", re.DOTALL)
"""The one command shape the assistant's buttons use: `/intent` or `/intent{json}` (no `@confidence`)."""
_LEADING_SLASHES = re.compile(r"^[\s/]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Command:
    """A Rasa command: an intent and its entities."""

    intent: str
    entities: dict[str, str] = field(default_factory=dict)


def is_command_like(text: str) -> bool:
    """True when Rasa would try to read `text` as a command (it strips the text first)."""
    return text.strip().startswith(COMMAND_PREFIX)


def parse_command(text: str) -> Command | None:
    """The command `text` spells, when it is well formed: a lower-case intent, and entities (if any) a flat JSON
    object of strings without control characters; None for anything else."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    raw = match.group("entities")
    if raw is None:
        return Command(match.group("intent"))
    try:
        entities = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(entities, dict) or not all(
        isinstance(key, str) and re.fullmatch(r"[a-z_]{1,64}", key) and isinstance(value, str)
        and len(value) <= CHAT_MESSAGE_CHARS and not _CONTROL.search(value)
        for key, value in entities.items()
    ):
        return None
    return Command(match.group("intent"), entities)


def plain_text(text: str) -> str:
    """`text` as Rasa reads it as a message, not as a command: without its leading slashes (slashes alone, which
    name no intent, are left as they are)."""
    if not is_command_like(text):
        return text
    return _LEADING_SLASHES.sub("", text).strip() or text.strip()


StandingPayload = Callable[[Command], bool]
"""Whether a command may be sent by any conversation, offered or not (the topic menu, ratings of team answers)."""
ButtonCommand = Callable[[Command], bool]
"""Whether a command is of a kind the assistant's buttons send (no `/restart`, `/session_start`…)."""


def _never(_command: Command) -> bool:
    return False


class CommandDoor:
    """Remembers the payloads offered to each conversation and lets through only those as commands.

    Bounded: at most `conversations` conversations (the least recently active forgotten first), each with its
    `per_conversation` most recent payloads. Thread-safe.
    """

    def __init__(self, standing: StandingPayload = _never, button: ButtonCommand = _never,
                 conversations: int = OFFERING_CONVERSATIONS,
                 per_conversation: int = OFFERED_PAYLOADS_PER_CONVERSATION) -> None:
        self._standing = standing
        self._button = button
        self._conversations = conversations
        self._per_conversation = per_conversation
        self._offered: OrderedDict[str, OrderedDict[str, None]] = OrderedDict()
        self._lock = threading.Lock()

    def offer(self, sender: str, messages: Iterable[Message]) -> None:
        """Remember the button payloads of `messages`, shown to conversation `sender`."""
        payloads = [button.payload for message in messages for button in message.buttons
                    if is_command_like(button.payload)]
        if not payloads:
            return
        with self._lock:
            offered = self._offered.setdefault(sender, OrderedDict())
            self._offered.move_to_end(sender)
            for payload in payloads:
                offered[payload.strip()] = None
                offered.move_to_end(payload.strip())
            while len(offered) > self._per_conversation:
                offered.popitem(last=False)
            while len(self._offered) > self._conversations:
                self._offered.popitem(last=False)

    def was_offered(self, sender: str, payload: str) -> bool:
        """True when `payload` is among the payloads remembered for `sender`."""
        with self._lock:
            return payload.strip() in self._offered.get(sender, ())

    def admit(self, sender: str, text: str) -> str:
        """What to send to Rasa for the message `text` of conversation `sender`: the text itself when it is not
        a command or is a well-formed command offered to it (or standing), else its plain-text reading."""
        if not is_command_like(text):
            return text
        command = parse_command(text)
        if command is not None and (self._standing(command) or self.was_offered(sender, text)):
            return text.strip()
        return plain_text(text)

    def admit_pressed(self, text: str) -> str:
        """What to send to Rasa for a pressed button whose payload the channel vouches was offered (a Telegram
        callback, a Zalo option kept in the database): the payload when it is a well-formed command of a kind the
        assistant's buttons send, else its plain-text reading."""
        command = parse_command(text)
        if command is not None and (self._button(command) or self._standing(command)):
            return text.strip()
        return plain_text(text) if is_command_like(text) else text

    def tracked_conversations(self) -> int:
        """How many conversations have offered payloads in memory."""
        with self._lock:
            return len(self._offered)
