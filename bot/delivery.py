"""Delivering a message to a citizen on their own channel, or to a team's group, from any process.

The escalation workflow says what to send (`Delivery`: a channel, a chat, a `Message`); a `Notifier` sends it.
`citizen_channels` builds the notifier of a process: web-widget sessions get the message in their web inbox
(a database table the widget polls), and every other channel (Telegram, Zalo) through its async sender,
run on the process's event loop while the workflow's blocking code runs in a worker thread.

A new citizen channel plugs in as one more `AsyncSender` in the `senders` given to `citizen_channels`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine

from bot.messages import Message
from bot.web.inbox import queue_web_message

log = logging.getLogger(__name__)

SEND_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class Delivery:
    """One message to send: to a citizen (their channel and chat), a team group or the provincial department."""

    channel: str
    """A citizen channel of `bot.sender_ids` ("telegram", "zalo", "web")."""
    chat_id: str
    message: Message
    ticket_code: str | None = None
    """The ticket the message is about, for the logs."""


class Notifier(Protocol):
    """Sends a delivery; raises when it could not be sent."""

    def deliver(self, delivery: Delivery) -> None:
        """Send `delivery.message` to `delivery.chat_id` on `delivery.channel` (blocking)."""


class AsyncSender(Protocol):
    """A channel's sender, e.g. `bot.channels.telegram.sender.TelegramSender`, `bot.channels.zalo.ZaloSender`."""

    async def send_to(self, chat_id: str, message: Message) -> object:
        """Send `message` to the chat `chat_id`; raise when it could not be sent."""

    async def aclose(self) -> None:
        """Close the sender's connections."""


class WebInboxNotifier:
    """Queues messages for web-widget sessions (the widget fetches them from the web inbox)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def deliver(self, delivery: Delivery) -> None:
        """Queue the message for session `delivery.chat_id`; ValueError for another channel."""
        if delivery.channel != "web":
            raise ValueError(f"the web inbox cannot deliver on channel {delivery.channel!r}")
        queue_web_message(self._engine, delivery.chat_id, delivery.message)


class LoopNotifier:
    """Sends with an `AsyncSender` on `loop`: a blocking call, for worker threads only (never `loop`'s own
    thread, which it would block)."""

    def __init__(self, channel: str, sender: AsyncSender, loop: asyncio.AbstractEventLoop,
                 timeout: float = SEND_TIMEOUT_SECONDS) -> None:
        self._channel = channel
        self._sender = sender
        self._loop = loop
        self._timeout = timeout

    def deliver(self, delivery: Delivery) -> None:
        """Send and wait for the result; ValueError for another channel, RuntimeError on the loop's own thread."""
        if delivery.channel != self._channel:
            raise ValueError(f"the {self._channel} notifier cannot deliver on channel {delivery.channel!r}")
        running = None
        with contextlib.suppress(RuntimeError):
            running = asyncio.get_running_loop()
        if running is self._loop:
            raise RuntimeError("LoopNotifier.deliver blocks: call it from a worker thread, not the event loop")
        future = asyncio.run_coroutine_threadsafe(self._sender.send_to(delivery.chat_id, delivery.message),
                                                  self._loop)
        try:
            future.result(self._timeout)
        except TimeoutError:
            future.cancel()
            raise


class ChannelNotifier:
    """Dispatches each delivery to the notifier of its channel."""

    def __init__(self, by_channel: Mapping[str, Notifier]) -> None:
        self._by_channel = dict(by_channel)

    def deliver(self, delivery: Delivery) -> None:
        """Send through the notifier registered for the delivery's channel; ValueError when there is none."""
        notifier = self._by_channel.get(delivery.channel)
        if notifier is None:
            raise ValueError(f"no notifier for channel {delivery.channel!r}")
        notifier.deliver(delivery)


def citizen_channels(engine: Engine, loop: asyncio.AbstractEventLoop,
                     senders: Mapping[str, AsyncSender]) -> Notifier:
    """The notifier for every citizen channel: web-widget sessions through the web inbox of `engine`, each
    channel of `senders` (e.g. {"telegram": TelegramSender(...)}, empty without a bot token) on `loop`."""
    by_channel: dict[str, Notifier] = {"web": WebInboxNotifier(engine)}
    by_channel.update({channel: LoopNotifier(channel, sender, loop) for channel, sender in senders.items()})
    return ChannelNotifier(by_channel)


def deliver_all(deliveries: Iterable[Delivery], notifier: Notifier) -> list[Delivery]:
    """Send every delivery; return those that failed (logged without personal data)."""
    failed = []
    for delivery in deliveries:
        try:
            notifier.deliver(delivery)
        except Exception as error:
            log.warning("delivery of %s on %s failed: %s", delivery.ticket_code, delivery.channel, type(error).__name__)
            failed.append(delivery)
    return failed
