"""Delivering workflow messages: the `Notifier` protocol and the web-widget implementation."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Engine

from bot.escalations.web_inbox import queue_web_message

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """One message to send: to a citizen (their channel and chat), a team group or the provincial department."""

    channel: str
    """"telegram" or "web"."""
    chat_id: str
    text: str
    buttons: list[dict] = field(default_factory=list)
    ticket_code: str | None = None


class Notifier(Protocol):
    """Sends a message on a channel; raises when it could not be sent."""

    def deliver(self, channel: str, chat_id: str, text: str, buttons: list[dict] | None) -> None:
        """Send `text` (with `{"title", "payload"}` buttons) to `chat_id` on `channel`."""


class WebInboxNotifier:
    """Queues messages for web-widget sessions (the widget fetches them by polling)."""

    def __init__(self, engine: Engine | None = None) -> None:
        self._engine = engine

    def deliver(self, channel: str, chat_id: str, text: str, buttons: list[dict] | None) -> None:
        """Queue the message for session `chat_id`; ValueError for another channel."""
        if channel != "web":
            raise ValueError(f"the web inbox cannot deliver on channel {channel!r}")
        queue_web_message(chat_id, text, buttons, engine=self._engine)


class ChannelNotifier:
    """Dispatches each message to the notifier of its channel."""

    def __init__(self, by_channel: dict[str, Notifier]) -> None:
        self._by_channel = by_channel

    def deliver(self, channel: str, chat_id: str, text: str, buttons: list[dict] | None) -> None:
        """Send through the notifier registered for `channel`; ValueError when there is none."""
        notifier = self._by_channel.get(channel)
        if notifier is None:
            raise ValueError(f"no notifier for channel {channel!r}")
        notifier.deliver(channel, chat_id, text, buttons)


def deliver_all(deliveries: Iterable[Delivery], notifier: Notifier) -> list[Delivery]:
    """Send every delivery; return those that failed (logged without personal data)."""
    failed = []
    for delivery in deliveries:
        try:
            notifier.deliver(delivery.channel, delivery.chat_id, delivery.text, delivery.buttons)
        except Exception as error:
            log.warning("delivery of %s on %s failed: %s", delivery.ticket_code, delivery.channel, type(error).__name__)
            failed.append(delivery)
    return failed
