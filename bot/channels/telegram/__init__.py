"""The Telegram channel (python-telegram-bot 22) and `TelegramSender` for use from any process."""

from bot.channels.telegram.sender import TelegramSender

__all__ = ["TelegramSender"]
