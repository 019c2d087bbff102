"""Sending a team's answer from the dashboard to the citizen, on the channel they used (issue 7's deliveries)."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine

from bot.channels.telegram.notifier import citizen_channels
from bot.channels.telegram.sender import TelegramSender
from bot.escalations.notify import Notifier
from bot.settings import Settings


def citizen_notifier(settings: Settings, engine: Engine, loop: asyncio.AbstractEventLoop) -> Notifier:
    """Web-widget sessions get the answer in their inbox; Telegram chats from the bot (when a token is set),
    sent on the gateway's event `loop` while the dashboard's blocking code runs in a worker thread."""
    token = settings.telegram_bot_token
    sender = TelegramSender(token, settings.telegram_api_base_url) if token else None
    return citizen_channels(engine, sender, loop)
