"""The gateway process's entry point: one FastAPI application serving the web channel (chat API, widget, web
inbox, `bot/web/`) and the dashboard (`bot/web/dashboard/`), with its background upkeep.

`trolyso run` starts it as `uvicorn bot.gateway:gateway --factory`: `gateway()` reads the settings once and
`create_app(settings)` wires everything for them (tests call `create_app` with their own settings), e.g. the
citizen notifier of team answers, which needs every citizen channel's sender.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.channels.telegram.sender import TelegramSender
from bot.channels.zalo import zalo_sender
from bot.conversation.citizen_entry import citizen_entry
from bot.conversation.topics import greeting_menu
from bot.db import get_engine
from bot.delivery import AsyncSender, Notifier, citizen_channels
from bot.rasa_client import RasaClient
from bot.ratelimit import ChatRateLimiter
from bot.settings import Settings, get_settings
from bot.upkeep import try_migrate, upkeep_loop
from bot.web import chat_api, health, inbox_api, widget
from bot.web.cors import WidgetCorsMiddleware
from bot.web.dashboard import install_dashboard
from bot.web.deps import ChatLimits, GatewayState


def gateway() -> FastAPI:
    """uvicorn's factory: the gateway for the process settings."""
    return create_app(get_settings())


def create_app(settings: Settings) -> FastAPI:
    """Create the gateway app for `settings`."""
    engine = get_engine(settings.database_url)

    def citizen_notifier(loop: asyncio.AbstractEventLoop) -> Notifier:
        """Web-widget sessions through the web inbox; Telegram and Zalo chats when those channels are configured,
        sent on the gateway's event `loop` while the dashboard's blocking code runs in a worker thread."""
        senders: dict[str, AsyncSender] = {}
        if settings.telegram_bot_token:
            senders["telegram"] = TelegramSender(settings.telegram_bot_token, settings.telegram_api_base_url)
        zalo = zalo_sender(settings, engine)
        if zalo is not None:
            senders["zalo"] = zalo
        return citizen_channels(engine, loop, senders)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rasa = RasaClient(settings.rasa_urls, timeout=settings.rasa_timeout_seconds)
        limits = ChatLimits(ChatRateLimiter(settings.web_rate_limit_per_minute),
                            ChatRateLimiter(settings.web_address_rate_limit_per_minute))
        app.state.gateway = GatewayState(settings, engine, rasa, citizen_entry(rasa, settings, engine), limits)
        migrated = await asyncio.to_thread(try_migrate, engine)
        upkeep = asyncio.create_task(upkeep_loop(engine, settings, migrated))
        yield
        upkeep.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await upkeep
        await rasa.aclose()

    app = FastAPI(title="Trợ lý số", lifespan=lifespan)
    app.state.widget_greeting_menu = greeting_menu()  # the widget's greeting offers the topics and examples
    app.include_router(health.router)
    app.include_router(chat_api.router)
    app.include_router(inbox_api.router)
    app.include_router(widget.router)
    app.add_middleware(WidgetCorsMiddleware, allowed_origins=settings.widget_origins)
    install_dashboard(app, settings, engine, citizen_notifier)
    return app
