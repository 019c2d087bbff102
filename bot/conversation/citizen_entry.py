"""The citizens' entry into the conversation as every channel's process wires it (gateway, Telegram, Zalo)."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.conversation.degraded import DegradedReplies
from bot.conversation.live_answerer import LiveAnswerer
from bot.conversation.standing import is_button_command, is_standing_payload
from bot.door import CommandDoor
from bot.entry import ConversationEngine, ConversationEntry
from bot.settings import Settings


def citizen_entry(rasa: ConversationEngine, settings: Settings, engine: Engine) -> ConversationEntry:
    """The command door with the standing payloads, in front of `rasa`, with the degraded mode over an answerer
    built in this process on its first need."""
    degraded = DegradedReplies(LiveAnswerer(settings, engine).get, settings.degraded_answerer_wait_seconds)
    return ConversationEntry(rasa, CommandDoor(is_standing_payload, is_button_command), degraded.reply)
