"""Later messages for a web-widget session (e.g. the community tech team's answer to an escalation).

`GET /api/messages?session_id=…&after=<id>` answers at once with the waiting messages (polling);
`GET /api/events?session_id=…&after=<id>` keeps a Server-Sent Events stream open and pushes each new
message as an event whose `id` is the message id, so a reconnecting browser resumes after the last one
it saw (`Last-Event-ID`). Both read `bot.web.inbox.web_messages_after`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.web.chat_api import INVALID_SESSION_ID, SESSION_ID_PATTERN, ChatRequestError, error_response
from bot.web.deps import Database
from bot.web.inbox import WebMessage, web_messages_after

logger = logging.getLogger(__name__)

MAX_MESSAGE_ID = 2**63 - 1
STREAM_POLL_SECONDS = 2.0
STREAM_KEEPALIVE_SECONDS = 15.0
STREAM_LIFETIME_SECONDS = 300.0
STREAM_RETRY_MILLISECONDS = 3000
MAX_OPEN_STREAMS = 200
DATABASE_DOWN = "Chưa lấy được tin nhắn mới, bạn vui lòng thử lại sau ít phút."
TOO_MANY_STREAMS = "Máy chủ đang bận, tin nhắn mới sẽ được kiểm tra lại sau ít phút."

router = APIRouter()


class StreamCounter:
    """How many event streams this process holds open, to refuse new ones past `MAX_OPEN_STREAMS`."""

    def __init__(self) -> None:
        self.open = 0


open_streams = StreamCounter()


def parse_inbox_query(session_id: str | None, after: str | None, last_event_id: str | None = None) -> tuple[str, int]:
    """Validate the query of both endpoints and return `(session_id, after_id)`.

    `Last-Event-ID` (sent by a reconnecting EventSource) wins over `after` when it is further on.
    """
    if session_id is None or not SESSION_ID_PATTERN.fullmatch(session_id):
        raise ChatRequestError(422, INVALID_SESSION_ID)
    after_id = 0
    for raw in (after, last_event_id):
        if raw is None or raw == "":
            continue
        if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_MESSAGE_ID:
            raise ChatRequestError(422, "after phải là số nguyên không âm (mã tin nhắn cuối cùng đã nhận).")
        after_id = max(after_id, int(raw))
    return session_id, after_id


def message_to_dict(waiting: WebMessage) -> dict[str, Any]:
    """The JSON shape of one later message: its id, the message (`text`, `buttons`) and when it was queued."""
    return {
        "id": waiting.id,
        **waiting.message.to_dict(),
        "created_at": waiting.created_at.isoformat() if waiting.created_at else None,
    }


async def fetch_after(engine: Engine, session_id: str, after_id: int) -> list[WebMessage]:
    """Waiting messages of `session_id` with an id above `after_id`, oldest first, one batch at most."""
    return await asyncio.to_thread(web_messages_after, engine, session_id, after_id)


@router.get("/api/messages")
async def messages(request: Request, engine: Database) -> JSONResponse:
    """Return `{"messages": [{id, text, buttons, created_at}]}` queued for the session after `after`."""
    try:
        session_id, after_id = parse_inbox_query(
            request.query_params.get("session_id"), request.query_params.get("after")
        )
    except ChatRequestError as exc:
        return error_response(exc.status, exc.reason)
    try:
        found = await fetch_after(engine, session_id, after_id)
    except SQLAlchemyError as exc:
        logger.warning("web inbox unavailable: %s", exc.__class__.__name__)
        return error_response(503, DATABASE_DOWN)
    return JSONResponse({"messages": [message_to_dict(m) for m in found]}, headers={"Cache-Control": "no-store"})


def sse_event(message: WebMessage) -> str:
    """One Server-Sent Event carrying `message` (its id lets the browser resume after it)."""
    return f"id: {message.id}\nevent: message\ndata: {json.dumps(message_to_dict(message), ensure_ascii=False)}\n\n"


async def event_stream(request: Request, engine: Engine, session_id: str, after_id: int) -> AsyncIterator[str]:
    """Push new messages as they are queued; keep-alive comments in between; end after a while so that
    proxies and the server never hold a connection forever (the browser reconnects by itself)."""
    open_streams.open += 1
    try:
        yield f"retry: {STREAM_RETRY_MILLISECONDS}\n\n"
        started = last_sent = time.monotonic()
        while time.monotonic() - started < STREAM_LIFETIME_SECONDS:
            if await request.is_disconnected():
                return
            try:
                found = await fetch_after(engine, session_id, after_id)
            except SQLAlchemyError as exc:
                logger.warning("web inbox unavailable: %s", exc.__class__.__name__)
                return
            for message in found:
                yield sse_event(message)
                after_id = message.id
                last_sent = time.monotonic()
            if time.monotonic() - last_sent >= STREAM_KEEPALIVE_SECONDS:
                yield ": keep-alive\n\n"
                last_sent = time.monotonic()
            await asyncio.sleep(STREAM_POLL_SECONDS)
    finally:
        open_streams.open -= 1


@router.get("/api/events")
async def events(request: Request, engine: Database) -> Response:
    """A `text/event-stream` of the session's later messages, starting after `after` or `Last-Event-ID`."""
    try:
        session_id, after_id = parse_inbox_query(
            request.query_params.get("session_id"),
            request.query_params.get("after"),
            request.headers.get("last-event-id"),
        )
    except ChatRequestError as exc:
        return error_response(exc.status, exc.reason)
    if open_streams.open >= MAX_OPEN_STREAMS:
        # EventSource gives up on a non-200 answer; the widget then falls back to /api/messages.
        return error_response(503, TOO_MANY_STREAMS)
    return StreamingResponse(
        event_stream(request, engine, session_id, after_id),
        media_type="text/event-stream; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
