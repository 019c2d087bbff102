"""What the Zalo channel does with each citizen message: commands typed as text, a typed option, text for the
conversation engine, everything else.

Zalo has no commands of its own: `/start`, `/help` and `/huy` are read from the text, and any other text
starting with "/" is answered here, never passed to the conversation engine (whose own commands start with "/").
Messages of one chat are handled one at a time, in order; chats are served concurrently. A message Zalo
delivers twice (same message id) is handled once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator

import httpx
from sqlalchemy import Engine

from bot.channels.zalo import texts
from bot.channels.zalo.api import ZaloApiError
from bot.channels.zalo.chats import offered_options, open_reply_window
from bot.channels.zalo.oa import OaApiError, OutsideReplyWindow
from bot.channels.zalo.options import picked_option
from bot.channels.zalo.sender import ZaloSender
from bot.channels.zalo.updates import OA_CHAT_PREFIX, Incoming
from bot.conversation.degraded import busy_reply
from bot.conversation.standing import is_button_command, is_standing_payload
from bot.conversation.topics import menu_buttons
from bot.door import CommandDoor
from bot.entry import ConversationEntry
from bot.limits import CHAT_MESSAGE_CHARS
from bot.masking import mask_id
from bot.messages import Message
from bot.rasa_client import RasaClient
from bot.ratelimit import ChatRateLimiter, Verdict
from bot.sender_ids import sender_id

logger = logging.getLogger(__name__)

SEEN_MESSAGES = 10_000
"""How many message ids are remembered to drop repeated deliveries."""
SEND_ERRORS = (ZaloApiError, OaApiError, OutsideReplyWindow, LookupError, httpx.HTTPError)
"""What a message to Zalo can fail with: an error answer, a closed reply window, no transport, the network."""


class ChatLocks:
    """One lock per chat while it has messages in progress, so that each chat's messages keep their order."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, chat_id: str) -> AsyncIterator[None]:
        """Wait for the chat's earlier messages, then hold its lock."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:
                del self._users[chat_id], self._locks[chat_id]


class ZaloHandlers:
    """Answers citizens' Zalo messages through the conversation engine."""

    def __init__(self, rasa: RasaClient, sender: ZaloSender, engine: Engine, limiter: ChatRateLimiter,
                 entry: ConversationEntry | None = None) -> None:
        """`entry` (default: the command door, and only the "busy" reply when Rasa cannot answer) is how messages
        reach the conversation: typed text through the command door, a picked option as the payload offered."""
        self.rasa = rasa
        self.entry = entry or ConversationEntry(rasa, CommandDoor(is_standing_payload, is_button_command), busy_reply)
        self.sender = sender
        self.limiter = limiter
        self._engine = engine
        self._locks = ChatLocks()
        self._seen: OrderedDict[str, None] = OrderedDict()

    def _first_delivery(self, incoming: Incoming) -> bool:
        """False for a message id already handled (Zalo delivered it again)."""
        if incoming.message_id is None:
            return True
        key = f"{incoming.chat_id}/{incoming.message_id}"
        if key in self._seen:
            return False
        self._seen[key] = None
        while len(self._seen) > SEEN_MESSAGES:
            self._seen.popitem(last=False)
        return True

    async def handle(self, incoming: Incoming | None) -> None:
        """Answer one message (None: an event with nothing to answer). Never raises: a failure is logged and,
        when possible, apologised for in the chat."""
        if incoming is None or not self._first_delivery(incoming):
            return
        async with self._locks.hold(incoming.chat_id):
            try:
                await self._handle(incoming)
            except Exception:
                logger.exception("error while answering Zalo chat %s", mask_id(incoming.chat_id))
                with contextlib.suppress(Exception):
                    await self._say(incoming.chat_id, texts.SOMETHING_WRONG)

    async def _handle(self, incoming: Incoming) -> None:
        chat_id = incoming.chat_id
        if chat_id.startswith(OA_CHAT_PREFIX):
            await asyncio.to_thread(open_reply_window, self._engine, chat_id)
        verdict = self.limiter.check(chat_id)
        if verdict is not Verdict.ALLOW:
            if verdict is Verdict.WARN:
                logger.info("Zalo chat %s is over its rate limit; asked to wait", mask_id(chat_id))
                await self._say(chat_id, texts.PLEASE_WAIT)
            return
        if incoming.kind == "media":
            await self._say(chat_id, texts.TEXT_ONLY)
            return
        text = incoming.text.replace("\x00", "").strip()
        if not text or text.lower() == "/start":
            await self._send(chat_id, [Message(texts.WELCOME, menu_buttons())])
        elif text.startswith("/"):
            await self._command(chat_id, text)
        elif len(text) > CHAT_MESSAGE_CHARS:
            await self._say(chat_id, texts.TOO_LONG.format(limit=CHAT_MESSAGE_CHARS))
        else:
            options = await asyncio.to_thread(offered_options, self._engine, chat_id)
            picked = picked_option(text, options)
            await self._converse(chat_id, picked.payload if picked else text, pressed=picked is not None)

    async def _command(self, chat_id: str, text: str) -> None:
        """/help, /huy; any other "/…" text gets the list of what works."""
        command = text.split(maxsplit=1)[0].lower()
        if command == "/help":
            await self._say(chat_id, texts.HELP)
        elif command == "/huy":
            await self._converse(chat_id, texts.CANCEL_REQUEST)
        else:
            await self._say(chat_id, texts.UNKNOWN_COMMAND)

    async def _converse(self, chat_id: str, text: str, pressed: bool = False) -> None:
        """Send `text` (a `pressed` option's payload, or typed) to the conversation as this chat and relay the
        replies (the degraded mode's when Rasa cannot answer)."""
        await self._typing(chat_id)
        reply = await self.entry.send(sender_id("zalo", chat_id), text, pressed=pressed)
        if reply.degraded:
            logger.info("degraded reply to Zalo chat %s", mask_id(chat_id))
        await self._send(chat_id, reply.messages)

    async def _typing(self, chat_id: str) -> None:
        """"Typing…" while the answer is prepared (best effort)."""
        with contextlib.suppress(*SEND_ERRORS):
            await self.sender.show_typing(chat_id)

    async def _say(self, chat_id: str, text: str) -> None:
        """One text of the channel itself (the options on offer are kept: the citizen may still pick one)."""
        try:
            await self.sender.transport(chat_id).send_texts(chat_id, [text])
        except SEND_ERRORS as error:
            logger.info("could not write to Zalo chat %s: %s", mask_id(chat_id), type(error).__name__)

    async def _send(self, chat_id: str, messages: list[Message]) -> None:
        """A reply of the conversation: its options become the chat's options on offer."""
        try:
            await self.sender.send_turn(chat_id, messages)
        except SEND_ERRORS as error:
            logger.info("could not write to Zalo chat %s: %s", mask_id(chat_id), type(error).__name__)
