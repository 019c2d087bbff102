"""Fake Zalo servers for tests, on 127.0.0.1 in background threads: the Bot Platform API (`FakeZalo`) and the
Official Account API with Zalo's OAuth token endpoint (`FakeZaloOa`).

`FakeZalo` implements what the channel uses, as the Bot Platform documents it: `POST /bot<token>/<method>` with a
JSON body, answers `{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description"}`; getMe,
getUpdates (one update per call, error 408 when none came within `timeout`), setWebhook (secret of 8–256
characters), deleteWebhook, getWebhookInfo, sendMessage (plain text, 1–2,000 characters), sendChatAction. Tests
inject updates (`send_text`, `send_media`, `send_raw` for anything at all) and read what the bot sent (`sent`,
`wait_for_messages`). While a webhook is set, injected updates are POSTed to it with the
`X-Bot-Api-Secret-Token` header, as Zalo does, and getUpdates is refused.

`FakeZaloOa` answers `POST /v4/oa/access_token` (refresh tokens are single-use; the `secret_key` header must be the
app's secret) and `POST /v3.0/oa/message/cs` (the `access_token` header must be the current, unexpired token;
error -216 otherwise), and signs the events it posts to the channel's OA webhook like Zalo
(`X-ZEvent-Signature: mac=sha256(app_id + body + timestamp + OA secret key)`).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

MAX_TEXT_CHARS = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"


@dataclass
class SentText:
    """A message the bot (or the Official Account) sent."""

    chat_id: str
    text: str


class ApiError(Exception):
    """An error answer of the fake API."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


class _Served:
    """A FastAPI app served by uvicorn in a background thread on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.root_url = ""
        self._changed = threading.Condition(threading.RLock())
        self.sent: list[SentText] = []

    def _app(self) -> FastAPI:
        raise NotImplementedError

    def start(self) -> _Served:
        """Serve; return when accepting connections."""
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.root_url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        config = uvicorn.Config(self._app(), log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Zalo server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()

    @property
    def stopping(self) -> bool:
        return bool(self._server and self._server.should_exit)

    def messages_to(self, chat_id: str) -> list[SentText]:
        """Every message sent to `chat_id`, oldest first."""
        with self._changed:
            return [m for m in self.sent if m.chat_id == chat_id]

    def wait_for_messages(self, chat_id: str, count: int = 1, timeout: float = 30.0) -> list[SentText]:
        """Wait until at least `count` messages were sent to `chat_id`; return all of them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages_to(chat_id)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    got = [m.text[:80] for m in self.messages_to(chat_id)]
                    raise AssertionError(f"expected {count} messages to {chat_id}, got {len(got)}: {got}")
                self._changed.wait(remaining)
            return self.messages_to(chat_id)

    def _record(self, chat_id: str, text: str) -> None:
        with self._changed:
            self.sent.append(SentText(chat_id, text))
            self._changed.notify_all()


class FakeZalo(_Served):
    """The fake Bot Platform API and its recorded traffic."""

    def __init__(self, token: str = "2951803618416201354:FakeZaloTokenForTests") -> None:
        super().__init__()
        self.token = token
        self.account_name = "bot.TroLySoThuNghiem"
        self.calls: list[str] = []
        self.chat_actions: list[dict[str, Any]] = []
        self.webhook: dict[str, str] | None = None
        self.webhook_statuses: list[int] = []
        self.blocked_chats: set[str] = set()
        self._pending: list[Any] = []
        self._message_ids = itertools.count(1)

    def __enter__(self) -> FakeZalo:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ---- what the bot sees -------------------------------------------------------------------

    def message(self, chat_id: str, *, text: str | None = None, chat_type: str = "PRIVATE", is_bot: bool = False,
                **fields: Any) -> dict[str, Any]:
        """A Message object as the Bot Platform sends it (dates in milliseconds)."""
        message: dict[str, Any] = {
            "message_id": f"m{next(self._message_ids):08x}", "date": int(time.time() * 1000),
            "chat": {"id": chat_id, "chat_type": chat_type},
            "from": {"id": chat_id, "display_name": "Bà Tư", "is_bot": is_bot},
        }
        if text is not None:
            message["text"] = text
        message.update(fields)
        return message

    def send_text(self, chat_id: str, text: str, **kwargs: Any) -> dict[str, Any]:
        """A citizen sends `text`; returns the update."""
        update = {"event_name": "message.text.received", "message": self.message(chat_id, text=text, **kwargs)}
        self.send_raw(update)
        return update

    def send_media(self, chat_id: str, kind: str) -> dict[str, Any]:
        """A citizen sends an image, a sticker, a voice message or something Zalo does not describe."""
        extra = {"image": {"photo_url": "https://photo.example/1.jpg", "caption": ""},
                 "sticker": {"sticker": "d063f44dc80821567819"}, "voice": {}, "unsupported": {}}[kind]
        update = {"event_name": f"message.{kind}.received", "message": self.message(chat_id, **extra)}
        self.send_raw(update)
        return update

    def send_raw(self, update: Any) -> None:
        """Deliver anything as an update: queued for getUpdates, or POSTed to the webhook with the secret.

        Blocking (the webhook POST waits for its answer): call it from the test's thread."""
        with self._changed:
            webhook = self.webhook
            if webhook is None:
                self._pending.append(update)
                self._changed.notify_all()
                return
        response = httpx.post(webhook["url"], content=json.dumps(update), timeout=10,
                              headers={SECRET_HEADER: webhook["secret_token"], "Content-Type": "application/json"})
        with self._changed:
            self.webhook_statuses.append(response.status_code)

    def pending(self) -> int:
        """Updates not yet fetched by getUpdates."""
        with self._changed:
            return len(self._pending)

    def wait_for_call(self, method: str, timeout: float = 30.0) -> None:
        """Wait until the bot called `method` at least once."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while method not in self.calls:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"the bot never called {method}; calls: {sorted(set(self.calls))}")
                self._changed.wait(remaining)

    # ---- the HTTP side -----------------------------------------------------------------------

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/bot{token}/{method}")
        async def bot_api(token: str, method: str, request: Request) -> JSONResponse:
            try:
                params = json.loads(await request.body() or b"{}")
            except ValueError:
                params = None
            with self._changed:
                self.calls.append(method)
                self._changed.notify_all()
            try:
                if token != self.token:
                    raise ApiError(401, "Unauthorized")
                if not isinstance(params, dict):
                    raise ApiError(400, "Bad Request: the body must be a JSON object")
                handler = getattr(self, f"_api_{method.lower()}", None)
                if handler is None:
                    raise ApiError(404, "Not Found: method not found")
                result = await handler(params, request) if method == "getUpdates" else handler(params)
            except ApiError as exc:
                return JSONResponse({"ok": False, "error_code": exc.code, "description": exc.description},
                                    status_code=200 if exc.code == 408 else exc.code)
            return JSONResponse({"ok": True, "result": result})

        return app

    def _api_getme(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {"id": self.token.split(":")[0], "account_name": self.account_name, "account_type": "BASIC",
                "can_join_groups": False}

    async def _api_getupdates(self, params: dict[str, Any], request: Request) -> Any:
        """Long poll; a poll whose client went away (a killed channel) takes no update, as a server would not
        hand an update to a closed connection."""
        timeout = min(float(params.get("timeout") or 0), 30.0)
        deadline = time.monotonic() + timeout
        with self._changed:
            if self.webhook is not None:
                raise ApiError(400, "Bad Request: webhook is set; delete it to use getUpdates")
        while True:
            if await request.is_disconnected():
                raise ApiError(408, "Request timeout")
            with self._changed:
                if self._pending:
                    return self._pending.pop(0)
            if time.monotonic() >= deadline or self.stopping:
                raise ApiError(408, "Request timeout")
            await asyncio.sleep(0.05)

    def _api_setwebhook(self, params: dict[str, Any]) -> dict[str, Any]:
        url, secret = str(params.get("url") or ""), str(params.get("secret_token") or "")
        if not url.startswith(("https://", "http://127.0.0.1")):
            raise ApiError(400, "Bad Request: the webhook URL must be HTTPS")
        if not 8 <= len(secret) <= 256:
            raise ApiError(400, "Bad Request: secret_token must be 8 to 256 characters")
        with self._changed:
            self.webhook = {"url": url, "secret_token": secret}
        return {"url": url, "updated_at": int(time.time() * 1000)}

    def _api_deletewebhook(self, _params: dict[str, Any]) -> dict[str, Any]:
        with self._changed:
            self.webhook = None
        return {"url": "", "updated_at": int(time.time() * 1000)}

    def _api_getwebhookinfo(self, _params: dict[str, Any]) -> dict[str, Any]:
        with self._changed:
            return {"url": (self.webhook or {}).get("url", ""), "updated_at": int(time.time() * 1000)}

    def _writable_chat(self, params: dict[str, Any]) -> str:
        chat_id = str(params.get("chat_id") or "")
        if not chat_id:
            raise ApiError(400, "Bad Request: chat_id is required")
        if chat_id in self.blocked_chats:
            raise ApiError(403, "Forbidden: the user has blocked the bot")
        return chat_id

    def _api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._writable_chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: text is empty")
        if len(text) > MAX_TEXT_CHARS:
            raise ApiError(400, "Bad Request: text is longer than 2000 characters")
        self._record(chat_id, text)
        return {"message_id": f"b{next(self._message_ids):08x}", "date": int(time.time() * 1000)}

    def _api_sendchataction(self, params: dict[str, Any]) -> bool:
        with self._changed:
            self.chat_actions.append({"chat_id": self._writable_chat(params), "action": params.get("action")})
        return True


def oa_signature(app_id: str, body: str, timestamp: str, oa_secret_key: str) -> str:
    """The `X-ZEvent-Signature` Zalo puts on an Official Account event."""
    return "mac=" + hashlib.sha256(f"{app_id}{body}{timestamp}{oa_secret_key}".encode()).hexdigest()


class FakeZaloOa(_Served):
    """The fake Official Account API and OAuth server; `sent` chat ids are `oa-<user id>`."""

    def __init__(self, app_id: str = "2553928453557884079", app_secret: str = "fake-app-secret",
                 oa_secret_key: str = "fake-oa-secret-key", refresh_token: str = "refresh-0") -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self.oa_secret_key = oa_secret_key
        self.refresh_token = refresh_token
        self.access_token: str | None = None
        self.refreshes = 0
        self.refused: list[dict[str, Any]] = []
        self._tokens = itertools.count(1)
        self._msg_ids = itertools.count(1)

    def __enter__(self) -> FakeZaloOa:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def expire_access_token(self) -> None:
        """The access token stops working (as after 25 hours)."""
        with self._changed:
            self.access_token = None

    def event(self, user_id: str, event_name: str = "user_send_text", text: str | None = None) -> dict[str, Any]:
        """A webhook event from follower `user_id`."""
        message: dict[str, Any] = {"msg_id": f"oa{next(self._msg_ids):08x}"}
        if text is not None:
            message["text"] = text
        return {"app_id": self.app_id, "user_id_by_app": f"app-{user_id}", "event_name": event_name,
                "timestamp": str(int(time.time() * 1000)), "sender": {"id": user_id},
                "recipient": {"id": "3662729599332560487"}, "message": message}

    def post_event(self, url: str, event: dict[str, Any], signature: str | None = "valid") -> int:
        """POST `event` to the channel's webhook, signed like Zalo (or with `signature` as given); the status."""
        body = json.dumps(event, ensure_ascii=False)
        headers = {"Content-Type": "application/json"}
        if signature == "valid":
            headers["X-ZEvent-Signature"] = oa_signature(self.app_id, body, str(event.get("timestamp", "")),
                                                         self.oa_secret_key)
        elif signature is not None:
            headers["X-ZEvent-Signature"] = signature
        return httpx.post(url, content=body.encode(), headers=headers, timeout=10).status_code

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v4/oa/access_token")
        async def refresh(request: Request) -> JSONResponse:
            form = dict((await request.form()).items())
            with self._changed:
                if request.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id:
                    return JSONResponse({"error": -14002, "error_name": "Invalid app",
                                         "error_description": "app_id or secret_key is invalid"})
                if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token:
                    return JSONResponse({"error": -14014, "error_name": "Invalid refresh token",
                                         "error_description": "the refresh token is invalid or was used"})
                number = next(self._tokens)
                self.access_token, self.refresh_token = f"access-{number}", f"refresh-{number}"
                self.refreshes += 1
                return JSONResponse({"access_token": self.access_token, "refresh_token": self.refresh_token,
                                     "expires_in": "90000"})

        @app.post("/v3.0/oa/message/cs")
        async def send(request: Request) -> JSONResponse:
            body = await request.json()
            with self._changed:
                if not self.access_token or request.headers.get("access_token") != self.access_token:
                    self.refused.append(body)
                    return JSONResponse({"error": -216, "message": "Access token is invalid"})
                user_id = str(((body or {}).get("recipient") or {}).get("user_id") or "")
                text = ((body or {}).get("message") or {}).get("text")
                if not user_id or not isinstance(text, str) or not text or len(text) > MAX_TEXT_CHARS:
                    return JSONResponse({"error": -201, "message": "Parameters are invalid"})
            self._record(f"oa-{user_id}", text)
            return JSONResponse({"error": 0, "message": "Success",
                                 "data": {"message_id": f"s{next(self._msg_ids):08x}", "user_id": user_id}})

        return app
