"""The Telegram channel process: long polling by default, a webhook when a public URL is configured.

This is the process's entry point (`trolyso telegram`): it gets the settings from the command line and wires
the channel's parts (Rasa client, team groups, outbound notifier, team job) for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.channels.telegram import texts
from bot.channels.telegram.handlers import ChannelHandlers
from bot.channels.telegram.health import HealthServer
from bot.channels.telegram.keyboards import CallbackPayloads
from bot.channels.telegram.outbound import ChannelOutbound
from bot.channels.telegram.sender import api_urls
from bot.channels.telegram.team import TeamHandlers
from bot.channels.telegram.teamloop import TeamLoop, team_loop_lease
from bot.channels.telegram.updates import PerChatUpdateProcessor
from bot.channels.zalo import ZaloSender, zalo_sender
from bot.conversation.citizen_entry import citizen_entry
from bot.db import DATABASE_UNREACHABLE_ERRORS, get_engine
from bot.escalations.workflow import Workflow
from bot.rasa_client import RasaClient
from bot.ratelimit import ChatRateLimiter
from bot.settings import Settings

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
POLL_TIMEOUT_SECONDS = 10
WEBHOOK_LISTEN = "127.0.0.1"


def build_application(settings: Settings, workflow: Workflow | None = None) -> tuple[Application, ChannelHandlers]:
    """The PTB application for `settings` (not yet initialised) and its handlers.

    `workflow` (default: on the configured database and communes) serves the team groups.
    """
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    api, files = api_urls(settings.telegram_api_base_url)
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(api)
        .base_file_url(files)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(PerChatUpdateProcessor())
        .build()
    )
    workflow = workflow or Workflow(get_engine(settings.database_url), settings)
    payloads = CallbackPayloads()
    rasa = RasaClient(settings.rasa_urls, timeout=settings.rasa_timeout_seconds)
    handlers = ChannelHandlers(
        rasa=rasa,
        entry=citizen_entry(rasa, settings, workflow.engine),
        payloads=payloads,
        limiter=ChatRateLimiter(settings.telegram_rate_limit_per_minute),
        team=TeamHandlers(workflow, ChannelOutbound(settings, workflow.engine, payloads,
                                                    other_senders(settings, workflow))),
    )
    handlers.register(application)
    return application, handlers


def other_senders(settings: Settings, workflow: Workflow) -> dict[str, ZaloSender]:
    """The senders of the other citizen channels configured (Zalo), so that team answers reach them too."""
    zalo = zalo_sender(settings, workflow.engine)
    return {"zalo": zalo} if zalo is not None else {}


def webhook_path(url: str) -> str:
    """The local path the webhook server answers on: the path of the public URL."""
    return urlsplit(url).path.strip("/")


def mode_of(settings: Settings) -> str:
    """`webhook` when a public webhook URL is configured, else `polling`."""
    return "webhook" if settings.telegram_webhook_url else "polling"


async def start_receiving(application: Application, settings: Settings) -> None:
    """Start long polling, or the webhook server (and register the webhook with its secret)."""
    assert application.updater is not None
    if settings.telegram_webhook_url:
        await application.updater.start_webhook(
            listen=WEBHOOK_LISTEN,
            port=settings.telegram_webhook_port,
            url_path=webhook_path(settings.telegram_webhook_url),
            webhook_url=settings.telegram_webhook_url,
            secret_token=settings.telegram_webhook_secret or secrets.token_urlsafe(32),
            allowed_updates=ALLOWED_UPDATES,
            bootstrap_retries=3,
        )
    else:
        await application.updater.start_polling(
            timeout=POLL_TIMEOUT_SECONDS, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=3
        )


def health_report(application: Application, handlers: ChannelHandlers, mode: str) -> tuple[bool, dict[str, Any]]:
    """Healthy once the bot is known to Telegram (getMe) and polling or the webhook server is running."""
    healthy = application.running and application.updater is not None and application.updater.running
    return healthy, {
        "status": "ok" if healthy else "down",
        "mode": mode,
        "bot": f"@{application.bot.username}" if healthy else None,
        "chats_in_rate_window": handlers.limiter.tracked_chats(),
    }


def schedule_team_job(application: Application, team_loop: TeamLoop, interval: float) -> None:
    """Run the team job now, then every `interval` seconds, on the application's job queue (started and stopped
    with the application)."""
    if application.job_queue is None:
        raise RuntimeError("PTB's job queue is missing: install python-telegram-bot[job-queue] (APScheduler)")
    application.job_queue.run_repeating(team_loop.run_job, interval=interval, first=0, name="team job")


async def run_channel(settings: Settings, stop: asyncio.Event, workflow: Workflow | None = None) -> None:
    """Run the channel, and its team job every `TEAM_LOOP_INTERVAL_SECONDS`, until `stop` is set."""
    application, handlers = build_application(settings, workflow)
    team = handlers.team
    assert team is not None
    mode = mode_of(settings)
    health = HealthServer(lambda: health_report(application, handlers, mode))
    try:
        async with application:
            await application.bot.set_my_commands([BotCommand(name, about) for name, about in texts.COMMAND_MENU])
            await start_receiving(application, settings)
            await application.start()
            health.listen(settings.telegram_health_port)
            lease = team_loop_lease(team.workflow, settings.team_loop_interval_seconds)
            schedule_team_job(application, TeamLoop(team.workflow, team.outbound.notifier(), lease),
                              settings.team_loop_interval_seconds)
            logger.info("Telegram channel ready: @%s, %s", application.bot.username, mode)
            try:
                await stop.wait()
            finally:
                await health.close()
                if application.updater is not None:
                    await application.updater.stop()
                await application.stop()
                with contextlib.suppress(*DATABASE_UNREACHABLE_ERRORS):  # else it expires by itself
                    await asyncio.to_thread(lease.release)
    finally:
        await team.outbound.aclose()
        await handlers.rasa.aclose()


def quiet_libraries() -> None:
    """Keep the token (in Bot API URLs) and chat data (in request dumps) out of the logs."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    telegram_logger = logging.getLogger("telegram")
    telegram_logger.setLevel(max(logging.INFO, logging.getLogger().getEffectiveLevel()))


def main(settings: Settings) -> int:
    """Run the channel process until SIGINT/SIGTERM; return the exit code."""
    if not settings.telegram_bot_token:
        logger.error("TELEGRAM_BOT_TOKEN is not set: the Telegram channel cannot start")
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
    except InvalidToken:
        logger.error("Telegram refused TELEGRAM_BOT_TOKEN: check the token given by @BotFather")
        return 1
    except TelegramError as exc:  # unreachable API, refused webhook URL, another instance polling...
        logger.error("Telegram Bot API at %s: %s", settings.telegram_api_base_url, exc.message)
        return 1
    return 0
