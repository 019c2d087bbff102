"""Sending a team's answer from the dashboard to the citizen, on the channel they used (issue 7's deliveries)."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine

from bot.escalations.notify import ChannelNotifier, Notifier, WebInboxNotifier
from bot.settings import Settings


class TelegramNotifier:
    """A blocking `Notifier` over `TelegramSender` (the dashboard's answer routes run in worker threads)."""

    def __init__(self, token: str, base_url: str | None = None) -> None:
        self._token = token
        self._base_url = base_url

    async def _send(self, chat_id: str, text: str, buttons: list[dict] | None) -> None:
        from bot.channels.telegram.sender import TelegramSender

        async with TelegramSender(self._token, base_url=self._base_url) as sender:
            await sender.send_to(chat_id, text, buttons)

    def deliver(self, channel: str, chat_id: str, text: str, buttons: list[dict] | None) -> None:
        """Send to a Telegram chat; ValueError for another channel; raises when Telegram refuses."""
        if channel != "telegram":
            raise ValueError(f"the Telegram notifier cannot deliver on channel {channel!r}")
        asyncio.run(self._send(chat_id, text, buttons))


def citizen_notifier(settings: Settings, engine: Engine) -> Notifier:
    """Web-widget sessions get the answer in their inbox; Telegram chats by the bot when a token is set."""
    by_channel: dict[str, Notifier] = {"web": WebInboxNotifier(engine)}
    if settings.telegram_bot_token:
        by_channel["telegram"] = TelegramNotifier(settings.telegram_bot_token, settings.telegram_api_base_url)
    return ChannelNotifier(by_channel)
