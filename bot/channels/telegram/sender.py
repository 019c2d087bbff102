"""Sending the assistant's messages to a Telegram chat, from the channel or from any other process."""

from __future__ import annotations

from types import TracebackType

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode

from bot.channels.telegram.formatting import to_html
from bot.channels.telegram.keyboards import CallbackPayloads, inline_keyboard
from bot.channels.telegram.texts import CHOOSE_BELOW
from bot.limits import TELEGRAM_MESSAGE_UTF16
from bot.messages import Message
from bot.sender_ids import SENDER_PREFIXES
from bot.splitting import split_message

TELEGRAM_API = "https://api.telegram.org"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def api_urls(api_root: str | None) -> tuple[str, str]:
    """PTB's `(base_url, base_file_url)` for a Bot API server root such as `https://api.telegram.org`."""
    root = (api_root or TELEGRAM_API).rstrip("/")
    return f"{root}/bot", f"{root}/file/bot"


async def send_html(
    bot: Bot, chat_id: int, html_text: str, keyboard: InlineKeyboardMarkup | None = None
) -> int:
    """Send ready-made HTML (only the channel's own texts, or text rendered by `to_html`); return the message id."""
    sent = await bot.send_message(
        chat_id, html_text, parse_mode=ParseMode.HTML, reply_markup=keyboard, link_preview_options=NO_PREVIEW
    )
    return sent.message_id


async def send_bot_message(bot: Bot, chat_id: int, message: Message, payloads: CallbackPayloads) -> list[int]:
    """Send one assistant message: split under the length limit, escaped, buttons under the last part."""
    keyboard = inline_keyboard(message.buttons, payloads)
    chunks = split_message(message.text, TELEGRAM_MESSAGE_UTF16)
    if not chunks and keyboard is not None:
        chunks = [CHOOSE_BELOW]
    ids: list[int] = []
    for number, chunk in enumerate(chunks, start=1):
        ids.append(await send_html(bot, chat_id, to_html(chunk), keyboard if number == len(chunks) else None))
    return ids


def parse_chat_id(chat_id: int | str) -> int:
    """A Telegram chat id from an int, a numeric string, or a Rasa sender id `tg:<chat_id>`."""
    if isinstance(chat_id, int):
        return chat_id
    return int(chat_id.strip().removeprefix(SENDER_PREFIXES["telegram"] + ":"))


class TelegramSender:
    """Sends messages to Telegram chats outside the channel process (e.g. a team's answer to an escalation).

    `base_url` is the Bot API server root (default Telegram's). Use as `async with TelegramSender(...)`
    or call `aclose()` when done. Long button payloads are kept in this sender's own map (see
    `CallbackPayloads`): buttons sent from another process should keep payloads within 64 bytes.
    """

    def __init__(self, token: str, base_url: str | None = None, payloads: CallbackPayloads | None = None) -> None:
        api, files = api_urls(base_url)
        self._bot = Bot(token, base_url=api, base_file_url=files)
        self._payloads = payloads or CallbackPayloads()

    async def send_to(self, chat_id: int | str, message: Message) -> list[int]:
        """Send `message` (split and escaped like any answer, buttons under its last part); return the ids."""
        await self._bot.initialize()  # once: checks the token with getMe; a no-op afterwards
        return await send_bot_message(self._bot, parse_chat_id(chat_id), message, self._payloads)

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._bot.shutdown()

    async def __aenter__(self) -> TelegramSender:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
