"""The citizen channels' common entry into the conversation (web chat API, Telegram, Zalo).

One citizen message goes through the command door (`bot.door`: only offered payloads reach Rasa as commands),
then to Rasa; the buttons of the reply are remembered as offered. When Rasa cannot answer (unreachable, an
error, or no message at all because the action server is down), the degraded reply answers instead, so the
citizen never gets nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.door import CommandDoor
from bot.masking import mask_id
from bot.messages import Message
from bot.rasa_client import RasaUnavailable

logger = logging.getLogger(__name__)

RESTART_COMMAND = "/restart"
"""Rasa's command that forgets a conversation; sent only by `ConversationEntry.restart`, never as typed text."""

DegradedReply = Callable[[str, str], Awaitable[list[Message]]]
"""(Rasa sender id, admitted text) → what to say when the conversation engine cannot answer; never empty."""


class ConversationEngine(Protocol):
    """What the entry needs of the Rasa client: one message in, the replies out (`RasaUnavailable` if none)."""

    async def send(self, sender_id: str, text: str, metadata: dict[str, str] | None = None) -> list[Message]:
        """Send one citizen message (with the channel's metadata) and return the assistant's replies."""


@dataclass(frozen=True)
class Reply:
    """The assistant's messages for one citizen message, and whether they came from the degraded mode."""

    messages: list[Message]
    degraded: bool = False


class ConversationEntry:
    """Admits, sends and answers one citizen message at a time (shared by the tasks of one process)."""

    def __init__(self, engine: ConversationEngine, door: CommandDoor, degraded: DegradedReply) -> None:
        self.engine = engine
        self.door = door
        self.degraded = degraded

    def admit(self, sender: str, text: str, pressed: bool = False) -> str:
        """The text to send for a message: typed text through the door; a `pressed` button's payload, which the
        channel vouches was offered (a Telegram callback), checked to be a well-formed button command."""
        return self.door.admit_pressed(text) if pressed else self.door.admit(sender, text)

    async def send(self, sender: str, text: str, pressed: bool = False,
                   metadata: dict[str, str] | None = None) -> Reply:
        """Send the citizen message `text` of conversation `sender` (with the channel's `metadata`, such as the
        embedding page's commune); the replies, never empty."""
        admitted = self.admit(sender, text, pressed)
        try:
            messages = await self.engine.send(sender, admitted, metadata)
        except RasaUnavailable as exc:
            logger.warning("Rasa could not answer %s (%s); degraded reply", mask_id(sender), exc)
            messages = []
        else:
            if not messages:
                logger.warning("Rasa answered %s with no message; degraded reply", mask_id(sender))
        if messages:
            self.door.offer(sender, messages)
            return Reply(messages)
        degraded = await self.degraded(sender, admitted)
        self.door.offer(sender, degraded)
        return Reply(degraded, degraded=True)

    async def restart(self, sender: str) -> None:
        """Make the conversation engine forget conversation `sender`: the channel's own restart control (the
        widget's ↻), which a typed "/restart" never reaches; `RasaUnavailable` when the engine cannot be reached."""
        await self.engine.send(sender, RESTART_COMMAND)

    def offer(self, sender: str, messages: list[Message]) -> None:
        """Remember the buttons a channel shows by itself (a welcome's topic menu) as offered."""
        self.door.offer(sender, messages)
