"""The Zalo channel process (`trolyso zalo`): the Bot Platform by long polling (default) or by webhook, and the
commune's Official Account by webhook, behind the same handlers.

This is the process's entry point: it gets the settings from the command line and wires the channel's parts
(database, Rasa client, sender, handlers, HTTP servers) for them.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.channels.zalo.api import BotInfo, ZaloApiError, ZaloBotApi
from bot.channels.zalo.handlers import ZaloHandlers
from bot.channels.zalo.sender import ZaloSender, zalo_sender
from bot.channels.zalo.server import ChannelServer, finish, secret_checker, signature_checker
from bot.channels.zalo.updates import parse_bot_update, parse_oa_event
from bot.conversation.citizen_entry import citizen_entry
from bot.db import get_engine, migrate
from bot.rasa_client import RasaClient
from bot.ratelimit import ChatRateLimiter
from bot.settings import Settings
from bot.supervisor import backoff_delay

logger = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 25


class TokenRefused(RuntimeError):
    """Zalo refused the bot token."""


def mode_of(settings: Settings) -> str | None:
    """How bot updates arrive: `webhook` with a public URL, else `polling`; None without a bot token."""
    if not settings.zalo_bot_token:
        return None
    return "webhook" if settings.zalo_webhook_url else "polling"


def webhook_path(url: str) -> str:
    """The local path the webhook server answers on: the path of the public URL."""
    return urlsplit(url).path or "/"


class BotPoller:
    """Long polling: one `getUpdates` after the other, each update answered in a task of its own (the handlers
    keep each chat's order); errors back off (1, 2, 4 … 30 s); a refused token ends the process."""

    def __init__(self, api: ZaloBotApi, handlers: ZaloHandlers) -> None:
        self.api = api
        self.handlers = handlers
        self.tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """Poll until cancelled; TokenRefused when Zalo refuses the token."""
        failures = 0
        while True:
            try:
                updates = await self.api.get_updates(POLL_TIMEOUT_SECONDS)
                failures = 0
            except ZaloApiError as error:
                if error.unauthorized:
                    raise TokenRefused(error.description) from error
                failures += 1
                logger.warning("Zalo getUpdates failed (%d: %s); retrying", error.code, error.description)
                await asyncio.sleep(backoff_delay(failures))
                continue
            except httpx.HTTPError as error:
                failures += 1
                logger.warning("Zalo Bot API unreachable (%s); retrying", type(error).__name__)
                await asyncio.sleep(backoff_delay(failures))
                continue
            for raw in updates:
                task = asyncio.create_task(self.handlers.handle(parse_bot_update(raw)))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)


class ZaloChannel:
    """The running channel: what `/health` reports."""

    def __init__(self, settings: Settings, sender: ZaloSender, handlers: ZaloHandlers) -> None:
        self.settings = settings
        self.sender = sender
        self.handlers = handlers
        self.bot: BotInfo | None = None
        self.poller: asyncio.Task[None] | None = None
        self.receiving = False

    def health(self) -> tuple[bool, dict[str, Any]]:
        """Healthy once the bot is known to Zalo (getMe) and polling or the webhook server runs."""
        mode = mode_of(self.settings)
        polling_ok = mode != "polling" or (self.poller is not None and not self.poller.done())
        healthy = self.receiving and polling_ok and (mode is None or self.bot is not None)
        return healthy, {
            "status": "ok" if healthy else "down",
            "mode": mode,
            "bot": self.bot.account_name if self.bot else None,
            "official_account": self.settings.zalo_oa_enabled,
            "chats_in_rate_window": self.handlers.limiter.tracked_chats(),
        }


async def _check_bot(channel: ZaloChannel, webhook: ChannelServer) -> tuple[ZaloBotApi, str | None] | None:
    """Check the token; in webhook mode, add the bot's webhook to `webhook` (not yet listening) and return its
    secret with the API, to register once the server listens."""
    if channel.sender.bot is None:
        return None
    api = channel.sender.bot.api
    try:
        channel.bot = await api.get_me()
    except ZaloApiError as error:
        if error.unauthorized:
            raise TokenRefused(error.description) from error
        raise
    url = channel.settings.zalo_webhook_url
    if not url:
        return api, None
    secret = channel.settings.zalo_webhook_secret or secrets.token_urlsafe(32)
    webhook.add_webhook(webhook_path(url), secret_checker(secret),
                        lambda event: channel.handlers.handle(parse_bot_update(event)))
    return api, secret


async def run_channel(settings: Settings, stop: asyncio.Event) -> None:
    """Run the channel until `stop` is set (TokenRefused when Zalo refuses the bot token)."""
    engine = get_engine(settings.database_url)
    await asyncio.to_thread(migrate, engine)
    sender = zalo_sender(settings, engine)
    if sender is None:
        raise ValueError("neither ZALO_BOT_TOKEN nor a Zalo Official Account is configured")
    rasa = RasaClient(settings.rasa_urls, timeout=settings.rasa_timeout_seconds)
    handlers = ZaloHandlers(rasa, sender, engine, ChatRateLimiter(settings.zalo_rate_limit_per_minute),
                            citizen_entry(rasa, settings, engine))
    channel = ZaloChannel(settings, sender, handlers)
    health, webhook = ChannelServer(), ChannelServer()
    health.add_health(channel.health)
    poller: BotPoller | None = None
    try:
        bot = await _check_bot(channel, webhook)
        if settings.zalo_oa_enabled:
            webhook.add_webhook(settings.zalo_oa_webhook_path,
                                signature_checker(str(settings.zalo_oa_app_id), str(settings.zalo_oa_secret_key)),
                                lambda event: handlers.handle(parse_oa_event(event)))
        if settings.zalo_webhook_url or settings.zalo_oa_enabled:
            webhook.listen(settings.zalo_webhook_port)
        if bot is not None:
            api, secret = bot
            if settings.zalo_webhook_url and secret:
                await api.set_webhook(settings.zalo_webhook_url, secret)  # the server listens already
            else:
                await api.delete_webhook()
                poller = BotPoller(api, handlers)
                channel.poller = asyncio.create_task(poller.run())
        channel.receiving = True
        health.listen(settings.zalo_health_port)
        logger.info("Zalo channel ready: bot %s (%s), Official Account %s",
                    channel.bot.account_name if channel.bot else "off", mode_of(settings) or "-",
                    "on" if settings.zalo_oa_enabled else "off")
        await _until_stopped(stop, channel.poller)
    finally:
        if channel.poller is not None:
            channel.poller.cancel()
            await asyncio.gather(channel.poller, return_exceptions=True)
        if poller is not None:
            await finish(poller.tasks)
        await health.close()
        await webhook.close()
        await sender.aclose()
        await rasa.aclose()


async def _until_stopped(stop: asyncio.Event, poller: asyncio.Task[None] | None) -> None:
    """Wait for `stop`, or for the poller to end (its error, e.g. TokenRefused, is raised)."""
    waiting = asyncio.create_task(stop.wait())
    watched = {waiting} if poller is None else {waiting, poller}
    await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    if poller is not None and poller.done() and not poller.cancelled():
        poller.result()


def quiet_libraries() -> None:
    """Keep the token (in Bot API URLs) out of the logs."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.WARNING)


def main(settings: Settings) -> int:
    """Run the channel process until SIGINT/SIGTERM; return the exit code."""
    if not settings.zalo_enabled:
        logger.error("ZALO_BOT_TOKEN is not set (nor a Zalo Official Account): the Zalo channel cannot start")
        return 2
    quiet_libraries()

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_channel(settings, stop)

    try:
        asyncio.run(run())
    except TokenRefused:
        logger.error("Zalo refused ZALO_BOT_TOKEN: check the token Zalo Bot Creator sent you")
        return 1
    except (ZaloApiError, httpx.HTTPError) as error:
        logger.error("Zalo Bot API at %s: %s", settings.zalo_api_base_url, error)
        return 1
    return 0
