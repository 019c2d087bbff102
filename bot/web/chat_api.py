"""`POST /api/chat`: the web channel's entry into the conversation.

The request and reply models are declared for the OpenAPI schema (`/docs`), but the body is parsed by hand,
so that every kind of bad input gets a precise Vietnamese reason and a 4xx status, never a 500.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.limits import CHAT_MESSAGE_CHARS, CHAT_REQUEST_BYTES
from bot.rasa_client import RasaUnavailable
from bot.sender_ids import sender_id
from bot.web.deps import Rasa

logger = logging.getLogger(__name__)

SESSION_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")
COMMUNE_CODE_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{1,16}$")
"""A commune code as the widget's host page declares it (`data-commune`); the actions check it is configured."""
INVALID_SESSION_ID = "session_id phải là chuỗi 1–128 ký tự gồm chữ không dấu, số, dấu gạch hoặc dấu chấm."

router = APIRouter()


class ChatRequest(BaseModel):
    """One citizen message from the web widget."""

    session_id: str = Field(pattern=SESSION_ID_PATTERN.pattern, description="The widget's session id.")
    text: str = Field(min_length=1, max_length=CHAT_MESSAGE_CHARS, description="The citizen's message.")
    commune: str | None = Field(default=None, pattern=COMMUNE_CODE_PATTERN.pattern,
                                description="The commune of the page embedding the widget (`data-commune`).")


class ChatButton(BaseModel):
    """A quick reply under a message."""

    title: str
    payload: str = Field(description="What to send as `text` when the button is pressed.")


class ChatMessage(BaseModel):
    """One message of the assistant."""

    text: str
    buttons: list[ChatButton] = Field(default_factory=list)


class ChatReply(BaseModel):
    """The assistant's replies, in order."""

    messages: list[ChatMessage]


class ChatError(BaseModel):
    """Why a request was refused, in Vietnamese."""

    error: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ChatError, "description": description}
    for status, description in ((400, "Empty body, not UTF-8, or not JSON"), (413, "Body too large"),
                                (422, "Missing or invalid session_id or text"), (503, "Rasa unavailable"))
}


class ChatRequestError(ValueError):
    """A request that cannot be served; carries the HTTP status and a Vietnamese reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def error_response(status: int, reason: str) -> JSONResponse:
    """The JSON shape of every error of the chat API (`ChatError`)."""
    return JSONResponse(status_code=status, content=ChatError(error=reason).model_dump())


def parse_chat_request(body: bytes) -> ChatRequest:
    """Validate a raw request body; `ChatRequestError` with the status and reason when it is unusable."""
    if not body:
        raise ChatRequestError(400, "Yêu cầu trống: cần gửi JSON có session_id và text.")
    if len(body) > CHAT_REQUEST_BYTES:
        raise ChatRequestError(413, f"Tin nhắn quá dài: tối đa {CHAT_MESSAGE_CHARS} ký tự.")
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
        raise ChatRequestError(422, INVALID_SESSION_ID)
    if not isinstance(text, str):
        raise ChatRequestError(422, "text phải là một chuỗi văn bản.")
    text = text.replace("\x00", "").strip()
    if not text:
        raise ChatRequestError(422, "Bạn chưa nhập nội dung câu hỏi.")
    if len(text) > CHAT_MESSAGE_CHARS:
        raise ChatRequestError(422, f"Tin nhắn quá dài: tối đa {CHAT_MESSAGE_CHARS} ký tự, xin bạn viết ngắn lại.")
    commune = payload.get("commune")
    if commune is not None and (not isinstance(commune, str) or not COMMUNE_CODE_PATTERN.match(commune)):
        raise ChatRequestError(422, "commune phải là mã xã/phường (1–16 chữ không dấu, số hoặc dấu gạch).")
    return ChatRequest(session_id=session_id, text=text, commune=commune)


@router.post(
    "/api/chat",
    response_model=ChatReply,
    responses=ERROR_RESPONSES,
    openapi_extra={"requestBody": {"required": True,
                                   "content": {"application/json": {"schema": ChatRequest.model_json_schema()}}}},
)
async def chat(request: Request, rasa: Rasa) -> ChatReply | JSONResponse:
    """Forward one citizen message to Rasa as sender `web:<session_id>` and return its replies."""
    try:
        parsed = parse_chat_request(await request.body())
    except ChatRequestError as exc:
        return error_response(exc.status, exc.reason)
    try:
        metadata = {"commune": parsed.commune} if parsed.commune else None
        messages = await rasa.send(sender_id("web", parsed.session_id), parsed.text, metadata)
    except RasaUnavailable as exc:
        logger.warning("Rasa unavailable: %s", exc)
        return error_response(503, "Trợ lý đang bận hoặc đang khởi động lại, bạn vui lòng thử lại sau ít phút.")
    return ChatReply.model_validate({"messages": [m.to_dict() for m in messages]})
