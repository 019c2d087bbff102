"""`GET /healthz`: the state of every component the gateway depends on."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.db import database_is_ready
from bot.web.deps import State

router = APIRouter()


async def action_server_is_ready(port: int) -> bool:
    """True when the action server's `/health` answers."""
    try:
        async with httpx.AsyncClient(timeout=3.0) as client:
            response = await client.get(f"http://127.0.0.1:{port}/health")
        return response.status_code == 200
    except httpx.HTTPError:
        return False


@router.get("/healthz")
async def healthz(state: State) -> JSONResponse:
    """Report `ok`/`down` for rasa, actions and database; HTTP 503 unless all are ok."""
    rasa_ok, actions_ok, database_ok = await asyncio.gather(
        state.rasa.is_ready(),
        action_server_is_ready(state.settings.action_server_port),
        asyncio.to_thread(database_is_ready, state.engine),
    )
    components = {
        "rasa": "ok" if rasa_ok else "down",
        "actions": "ok" if actions_ok else "down",
        "database": "ok" if database_ok else "down",
    }
    healthy = all(v == "ok" for v in components.values())
    return JSONResponse(
        status_code=200 if healthy else 503,
        content={"status": "ok" if healthy else "degraded", "components": components},
    )
