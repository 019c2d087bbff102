"""Sending the assistant's messages to a Zalo chat, from the channel or from any other process: buttons become
numbered options (remembered for the chat, `bot.channels.zalo.chats`), text is split under Zalo's 2,000
characters on paragraph boundaries, and each chat goes through its transport: the Bot Platform, or the Official
Account for `oa-<user id>` chats."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Engine

from bot.channels.zalo.api import ZaloBotApi
from bot.channels.zalo.chats import remember_options, take_reply_slots
from bot.channels.zalo.oa import OutsideReplyWindow, TokenStore, ZaloOaApi
from bot.channels.zalo.options import render_turn
from bot.channels.zalo.updates import OA_CHAT_PREFIX
from bot.limits import ZALO_MESSAGE_CHARS
from bot.messages import Message
from bot.sender_ids import SENDER_PREFIXES
from bot.settings import Settings
from bot.splitting import split_message


class Transport(Protocol):
    """One way of reaching Zalo chats."""

    async def send_texts(self, chat_id: str, texts: Sequence[str]) -> None:
        """Send the texts, in order, to the chat."""

    async def aclose(self) -> None:
        """Close the connections."""


class BotTransport:
    """Chats of the Zalo Bot Platform."""

    def __init__(self, api: ZaloBotApi) -> None:
        self.api = api

    async def send_texts(self, chat_id: str, texts: Sequence[str]) -> None:
        """Send each text as one message."""
        for text in texts:
            await self.api.send_message(chat_id, text)

    async def aclose(self) -> None:
        """Close the connections."""
        await self.api.aclose()


class OaTransport:
    """Followers of the Official Account (`oa-<user id>`), within their reply window only."""

    def __init__(self, api: ZaloOaApi, engine: Engine) -> None:
        self.api = api
        self._engine = engine

    async def send_texts(self, chat_id: str, texts: Sequence[str]) -> None:
        """Send each text as one message; OutsideReplyWindow (nothing sent) when the window does not allow them."""
        if not await asyncio.to_thread(take_reply_slots, self._engine, chat_id, len(texts)):
            raise OutsideReplyWindow(f"the reply window of {len(texts)} message(s) is closed")
        user_id = chat_id.removeprefix(OA_CHAT_PREFIX)
        for text in texts:
            await self.api.send_text(user_id, text)

    async def aclose(self) -> None:
        """Close the connections."""
        await self.api.aclose()


def chat_id_of(chat_id: int | str) -> str:
    """A Zalo chat id from itself or from a Rasa sender id `zalo:<chat id>`."""
    return str(chat_id).strip().removeprefix(SENDER_PREFIXES["zalo"] + ":")


class ZaloSender:
    """Sends to Zalo chats through their transport (`bot` for the Bot Platform, `oa` for the Official Account)."""

    def __init__(self, engine: Engine, bot: BotTransport | None = None, oa: OaTransport | None = None) -> None:
        self._engine = engine
        self.bot = bot
        self.oa = oa

    def transport(self, chat_id: str) -> Transport:
        """The transport of a chat; LookupError when that one is not configured."""
        transport = self.oa if chat_id.startswith(OA_CHAT_PREFIX) else self.bot
        if transport is None:
            raise LookupError(f"no Zalo transport is configured for chat {chat_id[:3]}…")
        return transport

    async def send_turn(self, chat_id: str, messages: Sequence[Message]) -> int:
        """Send one reply: `messages` with their options numbered across the reply, which become the chat's
        options on offer (none when the reply has none). Return the number of Zalo messages sent."""
        rendered = render_turn(messages)
        texts = [chunk for text in rendered.texts for chunk in split_message(text, ZALO_MESSAGE_CHARS)]
        if not texts:
            return 0
        transport = self.transport(chat_id)
        await asyncio.to_thread(remember_options, self._engine, chat_id, rendered.options)
        await transport.send_texts(chat_id, texts)
        return len(texts)

    async def show_typing(self, chat_id: str) -> None:
        """"Typing…" in a Bot Platform chat (the Official Account has no such signal)."""
        if self.bot is not None and not chat_id.startswith(OA_CHAT_PREFIX):
            await self.bot.api.send_typing(chat_id)

    async def send_to(self, chat_id: int | str, message: Message) -> int:
        """Send one message from outside the conversation (e.g. a team's answer, rated by number)."""
        return await self.send_turn(chat_id_of(chat_id), [message])

    async def aclose(self) -> None:
        """Close every transport's connections."""
        for transport in (self.bot, self.oa):
            if transport is not None:
                await transport.aclose()


def zalo_sender(settings: Settings, engine: Engine) -> ZaloSender | None:
    """The sender for the configured transports; None when Zalo is off."""
    if not settings.zalo_enabled:
        return None
    bot = BotTransport(ZaloBotApi(settings.zalo_bot_token, settings.zalo_api_base_url)) \
        if settings.zalo_bot_token else None
    oa = None
    if settings.zalo_oa_enabled:
        tokens = TokenStore(engine, str(settings.zalo_oa_refresh_token))
        oa = OaTransport(ZaloOaApi(str(settings.zalo_oa_app_id), str(settings.zalo_oa_app_secret), tokens,
                                   settings.zalo_oa_api_base_url, settings.zalo_oa_oauth_base_url), engine)
    return ZaloSender(engine, bot, oa)
