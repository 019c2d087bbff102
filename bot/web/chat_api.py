"""`POST /api/chat`: the web channel's entry into the conversation.

The body is parsed by hand so that every kind of bad input gets a precise Vietnamese reason
and a 4xx status, never a 500.
"""

from __future__ import annotations

import json
import logging
import re

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.rasa_client import RasaClient, RasaUnavailable

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2000
MAX_BODY_BYTES = 16 * 1024
SESSION_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")

router = APIRouter()


class ChatRequestError(ValueError):
    """A request that cannot be served; carries the HTTP status and a Vietnamese reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def error_response(status: int, reason: str) -> JSONResponse:
    """The JSON shape of every error of the chat API."""
    return JSONResponse(status_code=status, content={"error": reason})


def parse_chat_request(body: bytes) -> tuple[str, str]:
    """Validate a raw request body and return `(session_id, text)`."""
    if not body:
        raise ChatRequestError(400, "Yêu cầu trống: cần gửi JSON có session_id và text.")
    if len(body) > MAX_BODY_BYTES:
        raise ChatRequestError(413, f"Tin nhắn quá dài: tối đa {MAX_TEXT_CHARS} ký tự.")
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ChatRequestError(400, "Nội dung không phải văn bản UTF-8 hợp lệ.") from exc
    try:
        payload = json.loads(decoded)
    except json.JSONDecodeError as exc:
        raise ChatRequestError(400, "Nội dung không phải JSON hợp lệ.") from exc
    if not isinstance(payload, dict):
        raise ChatRequestError(422, "Cần một đối tượng JSON có session_id và text.")
    session_id = payload.get("session_id")
    text = payload.get("text")
    if not isinstance(session_id, str) or not SESSION_ID_PATTERN.match(session_id):
        raise ChatRequestError(
            422, "session_id phải là chuỗi 1–128 ký tự gồm chữ không dấu, số, dấu gạch hoặc dấu chấm."
        )
    if not isinstance(text, str):
        raise ChatRequestError(422, "text phải là một chuỗi văn bản.")
    text = text.replace("\x00", "").strip()
    if not text:
        raise ChatRequestError(422, "Bạn chưa nhập nội dung câu hỏi.")
    if len(text) > MAX_TEXT_CHARS:
        raise ChatRequestError(422, f"Tin nhắn quá dài: tối đa {MAX_TEXT_CHARS} ký tự, xin bạn viết ngắn lại.")
    return session_id, text


@router.post("/api/chat")
async def chat(request: Request) -> JSONResponse:
    """Forward one citizen message to Rasa as sender `web:<session_id>` and return its replies."""
    try:
        session_id, text = parse_chat_request(await request.body())
    except ChatRequestError as exc:
        return error_response(exc.status, exc.reason)
    rasa: RasaClient = request.app.state.rasa
    try:
        messages = await rasa.send(f"web:{session_id}", text)
    except RasaUnavailable as exc:
        logger.warning("Rasa unavailable: %s", exc)
        return error_response(503, "Trợ lý đang bận hoặc đang khởi động lại, bạn vui lòng thử lại sau ít phút.")
    return JSONResponse({"messages": [m.to_dict() for m in messages]})
