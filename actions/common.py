"""Small helpers shared by the actions: sending messages, setting slots, reading the sender."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.messages import Message
from bot.sender_ids import Channel, parse_sender


def utter(dispatcher: CollectingDispatcher, messages: Iterable[Message]) -> None:
    """Send assistant messages with their buttons."""
    for message in messages:
        dispatcher.utter_message(text=message.text, buttons=[b.to_dict() for b in message.buttons])


def slot_events(slots: dict[str, Any]) -> list[EventType]:
    """One `SlotSet` per slot."""
    return [SlotSet(name, value) for name, value in slots.items()]


def sender(tracker: Tracker) -> tuple[Channel, str]:
    """(channel, chat id) of the conversation."""
    return parse_sender(tracker.sender_id)


def latest_text(tracker: Tracker) -> str:
    """The citizen's last message as typed (or the payload of the pressed button)."""
    return str(tracker.latest_message.get("text") or "")


def latest_intent(tracker: Tracker) -> str | None:
    """The intent of the citizen's last message."""
    intent: str | None = (tracker.latest_message.get("intent") or {}).get("name")
    return intent
