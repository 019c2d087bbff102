"""What the bot does with each update: commands, text for Rasa, buttons, everything else.

Handlers run in three PTB groups. Group -2 drops what the bot never answers (edited messages,
service messages, group messages not addressed to it); group -1 applies the per-chat rate limit;
group 0 holds the handlers proper, the catch-alls last. The community tech teams' groups are served
before all of them (group -3, `bot.channels.telegram.team`), and their updates go no further.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from telegram import Bot, CallbackQuery, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram import texts
from bot.channels.telegram.groups import addresses_bot, is_group, without_mention
from bot.channels.telegram.keyboards import CallbackPayloads, inline_keyboard
from bot.channels.telegram.sender import send_bot_message, send_html
from bot.conversation.degraded import busy_reply
from bot.conversation.standing import is_button_command, is_standing_payload
from bot.conversation.topics import menu_buttons
from bot.door import CommandDoor
from bot.entry import ConversationEntry
from bot.limits import CHAT_MESSAGE_CHARS
from bot.masking import mask_id
from bot.messages import Message as BotMessage
from bot.rasa_client import RasaClient
from bot.ratelimit import ChatRateLimiter, Verdict
from bot.sender_ids import sender_id

if TYPE_CHECKING:
    from bot.channels.telegram.team import TeamHandlers

logger = logging.getLogger(__name__)

GATE_GROUP = -2
RATE_GROUP = -1
NEW_MESSAGE = filters.UpdateType.MESSAGE


def message_of(update: Update) -> Message:
    """The new message of an update, which the message handlers' `NEW_MESSAGE` filter guarantees."""
    if update.message is None:
        raise TypeError("a message handler was given an update without a new message")
    return update.message


async def acknowledge(query: CallbackQuery) -> None:
    """Answer a callback query so the citizen's button stops spinning (a stale query is not an error)."""
    with contextlib.suppress(BadRequest):
        await query.answer()


class ChannelHandlers:
    """The Telegram channel's handlers, sharing one Rasa client, entry into the conversation, payload map and rate
    limiter. The entry (default: the command door, and only the "busy" reply when Rasa cannot answer) passes
    typed text through the command door and pressed buttons as the payloads Telegram vouches for."""

    def __init__(
        self, rasa: RasaClient, payloads: CallbackPayloads, limiter: ChatRateLimiter, team: TeamHandlers | None = None,
        entry: ConversationEntry | None = None,
    ) -> None:
        self.rasa = rasa
        self.entry = entry or ConversationEntry(rasa, CommandDoor(is_standing_payload, is_button_command), busy_reply)
        self.payloads = payloads
        self.limiter = limiter
        self.team = team

    def register(self, application: Application) -> None:
        """Add every handler (the team groups' first) and the error handler to `application`."""
        if self.team is not None:
            self.team.register(application)
        application.add_handler(TypeHandler(Update, self.drop_irrelevant), group=GATE_GROUP)
        application.add_handler(TypeHandler(Update, self.limit_rate), group=RATE_GROUP)
        application.add_handlers([
            CommandHandler("start", self.start, filters=NEW_MESSAGE),
            CommandHandler("help", self.help, filters=NEW_MESSAGE),
            CommandHandler("huy", self.cancel, filters=NEW_MESSAGE),
            CallbackQueryHandler(self.button),
            MessageHandler(NEW_MESSAGE & filters.COMMAND, self.unknown_command),
            MessageHandler(NEW_MESSAGE & filters.TEXT, self.text),
            MessageHandler(NEW_MESSAGE, self.not_text),
        ])
        application.add_error_handler(self.on_error)

    async def drop_irrelevant(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop updates the bot does not answer: anything but new messages and button presses,
        service messages, and group messages that do not address the bot."""
        if update.callback_query is not None:
            return
        message = update.message
        if message is None or filters.StatusUpdate.ALL.check_update(update):
            raise ApplicationHandlerStop
        if is_group(message.chat) and not addresses_bot(message, context.bot.username, context.bot.id):
            raise ApplicationHandlerStop

    async def limit_rate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Let a chat's update through unless over its limit; warn once per window, then stay quiet."""
        chat = update.effective_chat
        if chat is None:
            return
        verdict = self.limiter.check(chat.id)
        if verdict is Verdict.ALLOW:
            return
        if update.callback_query is not None:
            await acknowledge(update.callback_query)
        if verdict is Verdict.WARN:
            logger.info("chat %s is over its rate limit; asked to wait", mask_id(chat.id))
            await send_html(context.bot, chat.id, texts.PLEASE_WAIT)
        raise ApplicationHandlerStop

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: the welcome and the topic keyboard."""
        await self._welcome(context.bot, message_of(update).chat.id)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help: how to use the assistant."""
        await send_html(context.bot, message_of(update).chat.id, texts.HELP)

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/huy: ask Rasa to cancel whatever form is in progress."""
        await self._converse(context.bot, message_of(update).chat.id, texts.CANCEL_REQUEST)

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command the bot does not have."""
        await send_html(context.bot, message_of(update).chat.id, texts.UNKNOWN_COMMAND)

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A citizen's text: to Rasa, and its answers back."""
        message = message_of(update)
        text = message.text or ""
        if is_group(message.chat):
            text = without_mention(text, context.bot.username)
        text = text.replace("\x00", "").strip()
        if not text:
            await self._welcome(context.bot, message.chat.id)
        elif len(text) > CHAT_MESSAGE_CHARS:
            await send_html(context.bot, message.chat.id, texts.TOO_LONG.format(limit=CHAT_MESSAGE_CHARS))
        else:
            await self._converse(context.bot, message.chat.id, text)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pressed inline button: acknowledge it and send its payload to Rasa."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None:
            return
        await acknowledge(query)
        if chat is None:
            return
        payload = self.payloads.decode(query.data or "")
        if payload is None:
            await send_html(context.bot, chat.id, texts.BUTTON_EXPIRED)
        else:
            await self._converse(context.bot, chat.id, payload, pressed=True)

    async def not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Photos, voice, stickers, locations, files...: explain that only text is understood."""
        await send_html(context.bot, message_of(update).chat.id, texts.TEXT_ONLY)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log an error without personal data and, when there is a chat, apologise in it."""
        chat = update.effective_chat if isinstance(update, Update) else None
        where = f"chat {mask_id(chat.id)}" if chat else "no chat"
        if isinstance(context.error, Forbidden):
            logger.info("cannot write to %s (the bot was blocked or removed)", where)
            return
        logger.error("error while handling an update (%s): %r", where, context.error, exc_info=context.error)
        if chat is not None:
            with contextlib.suppress(TelegramError):
                await send_html(context.bot, chat.id, texts.SOMETHING_WRONG)

    async def _welcome(self, bot: Bot, chat_id: int) -> None:
        self.entry.offer(sender_id("telegram", chat_id), [BotMessage(texts.WELCOME, menu_buttons())])
        await send_html(bot, chat_id, texts.WELCOME, inline_keyboard(menu_buttons(), self.payloads))

    async def _converse(self, bot: Bot, chat_id: int, text: str, pressed: bool = False) -> None:
        """Send `text` (a `pressed` button's payload, or typed) to the conversation as this chat and relay the
        replies (the degraded mode's when Rasa cannot answer)."""
        with contextlib.suppress(TelegramError):
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        reply = await self.entry.send(sender_id("telegram", chat_id), text, pressed=pressed)
        if reply.degraded:
            logger.info("degraded reply to chat %s", mask_id(chat_id))
        for message in reply.messages:
            await send_bot_message(bot, chat_id, message, self.payloads)
