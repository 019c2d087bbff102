"""The Telegram channel's outbound notifier: messages outside the chat at hand, i.e. a team's answer to its
citizens (Telegram chats, or web-widget sessions through their inbox), team notices and reminders.

The workflow code (`dispatch_team_notices`, `sla_check`, `deliver_all`) is synchronous and touches the
database, so it runs in worker threads; the notifier lets those threads send through one `TelegramSender`
whose coroutines run on the channel's event loop (`bot.delivery.LoopNotifier`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from sqlalchemy import Engine

from bot.channels.telegram.keyboards import CallbackPayloads
from bot.channels.telegram.sender import TelegramSender
from bot.delivery import AsyncSender, Notifier, citizen_channels
from bot.settings import Settings


class ChannelOutbound:
    """Creates the notifier on the channel's event loop, sharing the channel's callback payloads; `others` are the
    senders of the other citizen channels (e.g. {"zalo": ZaloSender}), which team answers reach too."""

    def __init__(self, settings: Settings, engine: Engine, payloads: CallbackPayloads,
                 others: Mapping[str, AsyncSender] | None = None) -> None:
        self._settings = settings
        self._engine = engine
        self._payloads = payloads
        self._others = dict(others or {})
        self._sender: TelegramSender | None = None
        self._notifier: Notifier | None = None

    def notifier(self) -> Notifier:
        """The notifier; the first call must come from the running event loop (Telegram sends happen on it)."""
        if self._notifier is None:
            self._sender = TelegramSender(str(self._settings.telegram_bot_token),
                                          self._settings.telegram_api_base_url, self._payloads)
            self._notifier = citizen_channels(self._engine, asyncio.get_running_loop(),
                                              {**self._others, "telegram": self._sender})
        return self._notifier

    async def aclose(self) -> None:
        """Close the senders' HTTP connections."""
        if self._sender is not None:
            await self._sender.aclose()
        for sender in self._others.values():
            await sender.aclose()
