"""The assistant's messages, as every part of the project passes them: a text and its quick-reply buttons.

Rasa's replies (`bot.rasa_client`), the conversation's replies, the escalation workflow's notices, the web
inbox and every delivery to a citizen use these two types, and their one JSON form (`to_dict` / `from_dict`),
which is the shape of Rasa's REST channel and of the chat API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    """A quick reply: what the person sees, and the text sent back when it is pressed."""

    title: str
    payload: str

    def to_dict(self) -> dict[str, str]:
        """`{"title", "payload"}`, as Rasa and the chat API write buttons."""
        return {"title": self.title, "payload": self.payload}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Button:
        """The button of a `{"title", "payload"}` mapping (missing values are empty)."""
        return cls(title=str(raw.get("title", "")), payload=str(raw.get("payload", "")))


@dataclass(frozen=True)
class Message:
    """One message of the assistant (or of a community tech team), independent of the channel."""

    text: str
    buttons: list[Button] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """`{"text", "buttons": [{"title", "payload"}]}`."""
        return {"text": self.text, "buttons": [button.to_dict() for button in self.buttons]}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Message:
        """The message of a `{"text", "buttons"}` mapping; buttons that are not mappings are left out."""
        buttons = raw.get("buttons") or []
        return cls(text=str(raw.get("text") or ""),
                   buttons=[Button.from_dict(b) for b in buttons if isinstance(b, Mapping)])
