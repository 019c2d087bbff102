"""`POST /api/chat`: the web channel's entry into the conversation.

The request and reply models are declared for the OpenAPI schema (`/docs`), but the body is parsed by hand,
so that every kind of bad input gets a precise Vietnamese reason and a 4xx status, never a 500.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.limits import CHAT_MESSAGE_CHARS, CHAT_REQUEST_BYTES
from bot.rasa_client import RasaUnavailable
from bot.ratelimit import Verdict
from bot.sender_ids import sender_id
from bot.web.deps import ChatLimits, State

SESSION_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")
COMMUNE_CODE_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{1,16}$")
"""A commune code as the widget's host page declares it (`data-commune`); the actions check it is configured."""
INVALID_SESSION_ID = "session_id phải là chuỗi 1–128 ký tự gồm chữ không dấu, số, dấu gạch hoặc dấu chấm."
TOO_MANY_FROM_SESSION = "Bạn gửi tin nhắn nhanh quá. Bạn vui lòng đợi khoảng một phút rồi nhắn tiếp nhé."
TOO_MANY_FROM_ADDRESS = ("Có quá nhiều tin nhắn từ cùng một địa chỉ mạng. Bạn vui lòng đợi khoảng một phút "
                         "rồi nhắn tiếp nhé.")

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
                                (422, "Missing or invalid session_id or text"),
                                (429, "Too many messages from this session or this address"))
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


def _json_object(body: bytes) -> dict[str, object]:
    """The JSON object of a raw request body; `ChatRequestError` with the status and reason when it is unusable."""
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
    except RecursionError as exc:
        raise ChatRequestError(400, "Nội dung JSON lồng nhau quá sâu: cần một đối tượng có session_id và text.") \
            from exc
    if not isinstance(payload, dict):
        raise ChatRequestError(422, "Cần một đối tượng JSON có session_id và text.")
    return payload


def _session_id(payload: dict[str, object]) -> str:
    session_id = payload.get("session_id")
    if not isinstance(session_id, str) or not SESSION_ID_PATTERN.match(session_id):
        raise ChatRequestError(422, INVALID_SESSION_ID)
    return session_id


def parse_chat_request(body: bytes) -> ChatRequest:
    """Validate a raw request body; `ChatRequestError` with the status and reason when it is unusable."""
    payload = _json_object(body)
    session_id = _session_id(payload)
    text = payload.get("text")
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


def over_limit(limits: ChatLimits, session_id: str, address: str | None) -> str | None:
    """The reason to refuse one more message of `session_id` from `address` (None: serve it). Both limits count
    the message, so a session that changes address, or an address that changes session, is still limited."""
    by_session = limits.per_session.check(session_id)
    by_address = limits.per_address.check(address) if address else Verdict.ALLOW
    if by_session is not Verdict.ALLOW:
        return TOO_MANY_FROM_SESSION
    if by_address is not Verdict.ALLOW:
        return TOO_MANY_FROM_ADDRESS
    return None


@router.post(
    "/api/chat",
    response_model=ChatReply,
    responses=ERROR_RESPONSES,
    openapi_extra={"requestBody": {"required": True,
                                   "content": {"application/json": {"schema": ChatRequest.model_json_schema()}}}},
)
async def chat(request: Request, state: State) -> ChatReply | JSONResponse:
    """Pass one citizen message to the conversation as sender `web:<session_id>` and return the replies: Rasa's,
    or the degraded mode's when Rasa cannot answer (never empty)."""
    try:
        parsed = parse_chat_request(await request.body())
    except ChatRequestError as exc:
        return error_response(exc.status, exc.reason)
    refused = over_limit(state.limits, parsed.session_id, request.client.host if request.client else None)
    if refused is not None:
        return error_response(429, refused)
    metadata = {"commune": parsed.commune} if parsed.commune else None
    reply = await state.entry.send(sender_id("web", parsed.session_id), parsed.text, metadata=metadata)
    return ChatReply.model_validate({"messages": [m.to_dict() for m in reply.messages]})


@router.post(
    "/api/restart",
    responses=ERROR_RESPONSES,
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["session_id"],
        "properties": {"session_id": {"type": "string", "pattern": SESSION_ID_PATTERN.pattern}}}}}}},
)
async def restart(request: Request, state: State) -> JSONResponse:
    """Forget the conversation of a widget session (the widget's ↻, after the citizen confirmed): Rasa's
    `/restart` for sender `web:<session_id>`, sent from here because a typed "/restart" is only text (`bot.door`).
    The session's tickets and their answers stay. `{"restarted": true}` when done; 503 with a reason when Rasa
    cannot be reached."""
    try:
        session_id = _session_id(_json_object(await request.body()))
    except ChatRequestError as exc:
        return error_response(exc.status, exc.reason)
    refused = over_limit(state.limits, session_id, request.client.host if request.client else None)
    if refused is not None:
        return error_response(429, refused)
    try:
        await state.entry.restart(sender_id("web", session_id))
    except RasaUnavailable:
        return error_response(503, "Trợ lý đang bận, chưa bắt đầu lại được. Bạn vui lòng thử lại sau ít phút.")
    return JSONResponse({"restarted": True})
