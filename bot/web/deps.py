"""What the gateway's routes share in one process (kept in `app.state.gateway`), as typed FastAPI dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from bot.rasa_client import RasaClient
from bot.settings import Settings


@dataclass(frozen=True)
class GatewayState:
    """The gateway's settings, database engine and Rasa client."""

    settings: Settings
    engine: Engine
    rasa: RasaClient


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
