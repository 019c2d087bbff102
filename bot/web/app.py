"""Builds the gateway FastAPI application."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.db import get_engine
from bot.escalations.upkeep import try_migrate, upkeep_loop
from bot.rasa_client import RasaClient
from bot.settings import Settings, get_settings
from bot.web import chat_api, health, inbox_api, widget
from bot.web.cors import WidgetCorsMiddleware
from bot.web.dashboard import install_dashboard


def create_app(settings: Settings | None = None) -> FastAPI:
    """Create the gateway app for `settings` (default: the process settings)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.engine = get_engine(settings.database_url)
        app.state.rasa = RasaClient(settings.rasa_url, timeout=settings.rasa_timeout_seconds)
        migrated = await asyncio.to_thread(try_migrate, app.state.engine)
        upkeep = asyncio.create_task(upkeep_loop(app.state.engine, settings, migrated))
        yield
        upkeep.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await upkeep
        await app.state.rasa.aclose()

    app = FastAPI(title="Trợ lý số", lifespan=lifespan)
    app.include_router(health.router)
    app.include_router(chat_api.router)
    app.include_router(inbox_api.router)
    app.include_router(widget.router)
    app.add_middleware(WidgetCorsMiddleware, allowed_origins=settings.widget_origins)
    install_dashboard(app, settings)
    return app
