"""What the gateway's routes share in one process (kept in `app.state.gateway`), as typed FastAPI dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from bot.entry import ConversationEntry
from bot.rasa_client import RasaClient
from bot.ratelimit import ChatRateLimiter
from bot.settings import Settings


@dataclass(frozen=True)
class ChatLimits:
    """The chat API's rate limits: per widget session, and per client address."""

    per_session: ChatRateLimiter
    per_address: ChatRateLimiter


@dataclass(frozen=True)
class GatewayState:
    """The gateway's settings, database engine, Rasa client, the citizens' entry into the conversation (through
    the command door, with the degraded mode) and the chat API's rate limits."""

    settings: Settings
    engine: Engine
    rasa: RasaClient
    entry: ConversationEntry
    limits: ChatLimits


def gateway_state(request: Request) -> GatewayState:
    """The state `bot.gateway.create_app` put in `app.state.gateway`."""
    state: GatewayState = request.app.state.gateway
    return state


def database(request: Request) -> Engine:
    """The gateway's database engine."""
    return gateway_state(request).engine


def rasa(request: Request) -> RasaClient:
    """The gateway's Rasa client."""
    return gateway_state(request).rasa


State = Annotated[GatewayState, Depends(gateway_state)]
Database = Annotated[Engine, Depends(database)]
Rasa = Annotated[RasaClient, Depends(rasa)]
