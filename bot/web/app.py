"""Builds the gateway FastAPI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.db import get_engine
from bot.rasa_client import RasaClient
from bot.settings import Settings, get_settings
from bot.web import chat_api, health


def create_app(settings: Settings | None = None) -> FastAPI:
    """Create the gateway app for `settings` (default: the process settings)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.engine = get_engine(settings.database_url)
        app.state.rasa = RasaClient(settings.rasa_url, timeout=settings.rasa_timeout_seconds)
        yield
        await app.state.rasa.aclose()

    app = FastAPI(title="Trợ lý số", lifespan=lifespan)
    app.include_router(health.router)
    app.include_router(chat_api.router)
    return app
