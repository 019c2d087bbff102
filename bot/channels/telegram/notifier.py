"""Escalation messages from the Telegram channel process: the `Notifier` for channel "telegram", and the
channel's outbound notifier (Telegram chats and web-widget sessions) used by the team workflow.

The workflow code (`dispatch_team_notices`, `sla_check`, `deliver_all`) is synchronous and touches the
database, so it runs in worker threads; `TelegramNotifier` lets those threads send through one
`TelegramSender` whose coroutines run on the channel's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy import Engine

from bot.channels.telegram.keyboards import CallbackPayloads
from bot.channels.telegram.sender import TelegramSender
from bot.escalations.notify import ChannelNotifier, Notifier, WebInboxNotifier
from bot.settings import Settings

SEND_TIMEOUT_SECONDS = 60.0


class TelegramNotifier:
    """`Notifier` for channel "telegram": a blocking call that sends with `sender` on `loop`.

    Call `deliver` from a worker thread (e.g. under `asyncio.to_thread`), never from `loop`'s own thread,
    which it would block.
    """

    def __init__(
        self, sender: TelegramSender, loop: asyncio.AbstractEventLoop, timeout: float = SEND_TIMEOUT_SECONDS
    ) -> None:
        self._sender = sender
        self._loop = loop
        self._timeout = timeout

    def deliver(self, channel: str, chat_id: str, text: str, buttons: list[dict] | None) -> None:
        """Send `text` with its buttons to Telegram chat `chat_id`; raise when it could not be sent.

        ValueError for another channel; RuntimeError when called from the event loop's thread.
        """
        if channel != "telegram":
            raise ValueError(f"the Telegram notifier cannot deliver on channel {channel!r}")
        running = None
        with contextlib.suppress(RuntimeError):
            running = asyncio.get_running_loop()
        if running is self._loop:
            raise RuntimeError("TelegramNotifier.deliver blocks: call it from a worker thread, not the event loop")
        future = asyncio.run_coroutine_threadsafe(self._sender.send_to(chat_id, text, buttons), self._loop)
        try:
            future.result(self._timeout)
        except TimeoutError:
            future.cancel()
            raise


def citizen_channels(engine: Engine, sender: TelegramSender | None, loop: asyncio.AbstractEventLoop) -> Notifier:
    """The notifier for both citizen channels: web-widget sessions get messages in their inbox, Telegram chats
    from `sender` on `loop` (only web without a sender, i.e. without a bot token)."""
    by_channel: dict[str, Notifier] = {"web": WebInboxNotifier(engine)}
    if sender is not None:
        by_channel["telegram"] = TelegramNotifier(sender, loop)
    return ChannelNotifier(by_channel)


class ChannelOutbound:
    """The channel's notifier for messages outside the chat at hand: a team's answer to its citizens
    (Telegram chats, or web-widget sessions through their inbox), team notices and reminders."""

    def __init__(self, settings: Settings, engine: Engine, payloads: CallbackPayloads) -> None:
        self._settings = settings
        self._engine = engine
        self._payloads = payloads
        self._sender: TelegramSender | None = None
        self._notifier: Notifier | None = None

    def notifier(self) -> Notifier:
        """The notifier; the first call must come from the running event loop (Telegram sends happen on it)."""
        if self._notifier is None:
            self._sender = TelegramSender(str(self._settings.telegram_bot_token),
                                          self._settings.telegram_api_base_url, self._payloads)
            self._notifier = citizen_channels(self._engine, self._sender, asyncio.get_running_loop())
        return self._notifier

    async def aclose(self) -> None:
        """Close the sender's HTTP connections (if it was ever used)."""
        if self._sender is not None:
            await self._sender.aclose()
