"""A fake Telegram Bot API server for tests, on 127.0.0.1 in a background thread.

Point python-telegram-bot at it with `base_url=f"{fake.root_url}/bot"` (or `TELEGRAM_API_BASE_URL=fake.root_url`).
It implements what the Trợ lý số bot uses: getMe, setMyCommands, getUpdates (offset, limit, long-poll
timeout, allowed_updates), sendMessage (with Telegram's HTML parsing rules, the 4,096-character limit, the
64-byte callback data limit and replies), editMessageText, editMessageReplyMarkup, sendChatAction,
answerCallbackQuery (200-character text limit), setWebhook, deleteWebhook and getWebhookInfo. Tests inject
updates (`send_text`, `send_media`, `press_button`, `edit_text`...; `username=` for a member with a Telegram
username) and read what the bot sent (`sent`, `wait_for_messages`). While a webhook is set, injected updates are
POSTed to it with the secret header, as Telegram does; getUpdates then answers 409.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

MAX_TEXT_UTF16 = 4096
MAX_CALLBACK_BYTES = 64
MAX_CALLBACK_ANSWER_CHARS = 200
JSON_FIELDS = {"reply_markup", "allowed_updates", "link_preview_options", "entities", "reply_parameters",
               "commands"}
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "tg-spoiler", "span", "blockquote", "tg-emoji"}
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_TAG_START = re.compile(r"</?[a-zA-Z]")
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}")
UPDATE_KINDS = ("message", "edited_message", "callback_query", "channel_post", "edited_channel_post",
                "inline_query", "my_chat_member", "chat_member")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


class _TelegramHTML(HTMLParser):
    """Telegram's HTML subset: known tags, properly nested, only the four named entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.visible: list[str] = []
        self.links: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise ValueError(f"Unsupported start tag \"{tag}\"")
        if tag == "a":
            href = dict(attrs).get("href")
            if not href:
                raise ValueError("empty href")
            self.links.append(href)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise ValueError(f"Unmatched end tag \"{tag}\"")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.visible.append(data)


def parse_html(text: str) -> tuple[str, list[str]]:
    """The visible text and link targets of a Telegram HTML message; ValueError like Telegram's 400."""
    for position, char in enumerate(text):
        if char == "&" and not _ENTITY.match(text, position):
            raise ValueError(f"can't parse entities: unsupported entity at byte offset {position}")
        if char == "<" and not _TAG_START.match(text, position):
            raise ValueError(f"can't parse entities: unexpected < at byte offset {position}")
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise ValueError(f"can't parse entities: can't find end tag corresponding to start tag \"{parser.stack[-1]}\"")
    return "".join(parser.visible), parser.links


@dataclass
class SentMessage:
    """A message the bot sent."""

    message_id: int
    chat_id: int
    text: str  # as sent (HTML when parse_mode is HTML)
    visible_text: str  # what the citizen sees
    parse_mode: str | None
    reply_markup: dict | None
    links: list[str] = field(default_factory=list)
    reply_to_message_id: int | None = None  # the message this one replies to (reply_parameters)
    edits: int = 0  # how many times the bot edited it (editMessageText / editMessageReplyMarkup)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """`(title, callback_data)` of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


class FakeTelegram:
    """The fake Bot API server and its recorded traffic."""

    def __init__(self, token: str = "123456789:FAKE-token_for-tests", username: str = "trolyso_test_bot") -> None:
        self.token = token
        self.username = username
        self.bot_id = int(token.split(":")[0])
        self.sent: list[SentMessage] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.chat_actions: list[dict[str, Any]] = []
        self.calls: list[str] = []
        self.webhook: dict[str, Any] | None = None
        self.webhook_statuses: list[int] = []
        self.allowed_updates: list[str] | None = None
        self.commands: list[dict[str, str]] = []  # the command menu set with setMyCommands
        self.blocked_chats: set[int] = set()  # chats whose user blocked the bot: sending gets 403
        self._pending: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._open_callbacks: set[str] = set()
        self._changed = threading.Condition(threading.RLock())
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.root_url = ""  # set by start(): what TELEGRAM_API_BASE_URL should be

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        """Serve in a background thread; return when accepting connections."""
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
                raise RuntimeError("fake Telegram server did not start")
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

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ---- what the bot sees -------------------------------------------------------------------

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's User object."""
        return {"id": self.bot_id, "is_bot": True, "first_name": "Trợ lý số (thử nghiệm)",
                "username": self.username, "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    def user_message(
        self, chat_id: int, *, text: str | None = None, chat_type: str = "private", user_id: int | None = None,
        reply_to: SentMessage | None = None, username: str | None = None, **fields: Any,
    ) -> dict[str, Any]:
        """A Message object from a citizen (or a team member with a Telegram `username`), with command and
        mention entities like Telegram's."""
        user_id = user_id if user_id is not None else abs(chat_id)
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        chat.update({"first_name": "Bà Tư"} if chat_type == "private" else {"title": "Tổ công nghệ số xã Tân Lập"})
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
            "from": _user(user_id, username),
        }
        if text is not None:
            message["text"] = text
            entities = _entities(text)
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = self._bot_message(reply_to)
        message.update(fields)
        return message

    def media_message(self, chat_id: int, kind: str, **kwargs: Any) -> dict[str, Any]:
        """A Message carrying a photo, voice, sticker, location, document or video."""
        file = {"file_id": f"{kind}-file", "file_unique_id": f"{kind}-unique"}
        contents = {
            "photo": [{**file, "width": 90, "height": 90}],
            "voice": {**file, "duration": 3},
            "sticker": {**file, "width": 512, "height": 512, "is_animated": False, "is_video": False,
                        "type": "regular"},
            "location": {"latitude": 21.0285, "longitude": 105.8542},
            "document": {**file, "file_name": "giay-to.pdf"},
            "video": {**file, "width": 320, "height": 240, "duration": 5},
        }
        return self.user_message(chat_id, **{kind: contents[kind]}, **kwargs)

    def callback_query(
        self, message: SentMessage, data: str, *, user_id: int | None = None, username: str | None = None
    ) -> dict[str, Any]:
        """A CallbackQuery for pressing the button with `data` under the bot's `message` (answerable once)."""
        query_id = f"cbq-{next(self._callback_ids)}"
        with self._changed:
            self._open_callbacks.add(query_id)
        return {
            "id": query_id, "chat_instance": f"ci{message.chat_id}", "data": data,
            "from": _user(user_id if user_id is not None else abs(message.chat_id), username),
            "message": self._bot_message(message),
        }

    def send_text(self, chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
        """A citizen sends `text`; returns the Message."""
        message = self.user_message(chat_id, text=text, **kwargs)
        self.send_update({"message": message})
        return message

    def send_media(self, chat_id: int, kind: str, **kwargs: Any) -> dict[str, Any]:
        """A citizen sends a photo, voice, sticker, location, document or video; returns the Message."""
        message = self.media_message(chat_id, kind, **kwargs)
        self.send_update({"message": message})
        return message

    def edit_text(self, message: dict[str, Any], text: str) -> None:
        """The citizen edits one of their messages."""
        self.send_update({"edited_message": {**message, "text": text, "edit_date": int(time.time())}})

    def press_button(
        self, message: SentMessage, data: str, *, user_id: int | None = None, username: str | None = None
    ) -> str:
        """The citizen presses the inline button with `data` under `message`; returns the query id."""
        query = self.callback_query(message, data, user_id=user_id, username=username)
        self.send_update({"callback_query": query})
        return query["id"]

    def send_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates, or POST it to the webhook when one is set; returns its id.

        Blocking (the webhook POST waits for its answer): call it from the test's thread, not from a
        coroutine running in the same event loop as the bot."""
        with self._changed:
            update = {"update_id": next(self._update_ids), **update}
            webhook = self.webhook
            if webhook is None:
                self._pending.append(update)
                self._changed.notify_all()
                return update["update_id"]
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook["secret_token"]} if webhook["secret_token"] else {}
        response = httpx.post(webhook["url"], json=update, headers=headers, timeout=10)
        with self._changed:
            self.webhook_statuses.append(response.status_code)
        return update["update_id"]

    # ---- what the bot did --------------------------------------------------------------------

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """Every message sent to `chat_id`, oldest first."""
        with self._changed:
            return [m for m in self.sent if m.chat_id == chat_id]

    def wait_for_messages(self, chat_id: int, count: int = 1, timeout: float = 30.0) -> list[SentMessage]:
        """Wait until at least `count` messages were sent to `chat_id`; return all of them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages_to(chat_id)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    got = [m.visible_text[:80] for m in self.messages_to(chat_id)]
                    raise AssertionError(f"expected {count} messages to {chat_id}, got {len(got)}: {got}")
                self._changed.wait(remaining)
            return self.messages_to(chat_id)

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

    def _bot_message(self, sent: SentMessage) -> dict[str, Any]:
        message = {"message_id": sent.message_id, "date": int(time.time()),
                   "chat": {"id": sent.chat_id, "type": "private" if sent.chat_id > 0 else "supergroup"},
                   "from": self.bot_user, "text": sent.visible_text}
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:  # a ForceReply is not shown in a Message
            message["reply_markup"] = sent.reply_markup
        return message

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.api_route("/bot{token}/{method}", methods=["GET", "POST"])
        async def bot_api(token: str, method: str, request: Request) -> JSONResponse:
            params = await _params(request)
            with self._changed:
                self.calls.append(method)
                self._changed.notify_all()
            try:
                if token != self.token:
                    raise ApiError(401, "Unauthorized")
                handler = getattr(self, f"_api_{method.lower()}", None)
                if handler is None:
                    raise ApiError(404, "Not Found: method not found")
                result = await handler(params) if method.lower() == "getupdates" else handler(params)
            except ApiError as exc:
                return JSONResponse({"ok": False, "error_code": exc.code, "description": exc.description},
                                    status_code=exc.code)
            return JSONResponse({"ok": True, "result": result})

        return app

    def _api_getme(self, _params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def _api_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self._changed:
            if self.webhook is not None:
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                    "use deleteWebhook to delete the webhook first")
            if "allowed_updates" in params:
                self.allowed_updates = params["allowed_updates"] or None
        while True:
            with self._changed:
                self._pending = [u for u in self._pending if u["update_id"] >= offset and self._allowed(u)]
                ready = self._pending[:limit]
            if ready or time.monotonic() >= deadline or (self._server and self._server.should_exit):
                return ready
            await asyncio.sleep(0.05)

    def _allowed(self, update: dict[str, Any]) -> bool:
        kinds = self.allowed_updates or [k for k in UPDATE_KINDS if k not in ("chat_member",)]
        return any(kind in update for kind in kinds)

    def _api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._writable_chat(params)
        text, parse_mode, visible, links = _rendered(params)
        markup = _checked_markup(params.get("reply_markup"))
        reply_to = (params.get("reply_parameters") or {}).get("message_id") or params.get("reply_to_message_id")
        sent = SentMessage(next(self._message_ids), chat_id, text, visible, parse_mode, markup, links,
                           int(reply_to) if reply_to else None)
        with self._changed:
            self.sent.append(sent)
            self._changed.notify_all()
        return self._bot_message(sent)

    def _edited(self, params: dict[str, Any]) -> SentMessage:
        """The bot's message named by `chat_id` and `message_id`, as an edit finds it."""
        chat_id, message_id = _chat_id(params), int(params.get("message_id") or 0)
        with self._changed:
            found = next((m for m in self.sent if m.chat_id == chat_id and m.message_id == message_id), None)
        if found is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return found

    def _api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._edited(params)
        text, parse_mode, visible, links = _rendered(params)
        markup = _checked_markup(params.get("reply_markup"))
        with self._changed:
            if (visible, markup) == (message.visible_text, message.reply_markup):
                raise ApiError(400, "Bad Request: message is not modified: specified new message content and "
                                    "reply markup are exactly the same as a current content and reply markup "
                                    "of the message")
            message.text, message.visible_text, message.parse_mode, message.links = text, visible, parse_mode, links
            message.reply_markup, message.edits = markup, message.edits + 1
            self._changed.notify_all()
        return self._bot_message(message)

    def _api_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._edited(params)
        markup = _checked_markup(params.get("reply_markup"))
        with self._changed:
            if markup == message.reply_markup:
                raise ApiError(400, "Bad Request: message is not modified")
            message.reply_markup, message.edits = markup, message.edits + 1
            self._changed.notify_all()
        return self._bot_message(message)

    def _writable_chat(self, params: dict[str, Any]) -> int:
        chat_id = _chat_id(params)
        if chat_id in self.blocked_chats:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _api_sendchataction(self, params: dict[str, Any]) -> bool:
        with self._changed:
            self.chat_actions.append({"chat_id": self._writable_chat(params), "action": params.get("action")})
        return True

    def _api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id"))
        with self._changed:
            if query_id not in self._open_callbacks:
                raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
            if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_CHARS:
                raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
            self._open_callbacks.discard(query_id)
            self.callback_answers.append(params)
            self._changed.notify_all()
        return True

    def _api_setwebhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return self._api_deletewebhook(params)
        with self._changed:
            self.webhook = {"url": url, "secret_token": params.get("secret_token"),
                            "allowed_updates": params.get("allowed_updates")}
            self.allowed_updates = params.get("allowed_updates") or None
        return True

    def _api_setmycommands(self, params: dict[str, Any]) -> bool:
        with self._changed:
            self.commands = list(params.get("commands") or [])
        return True

    def _api_deletewebhook(self, _params: dict[str, Any]) -> bool:
        with self._changed:
            self.webhook = None
        return True

    def _api_getwebhookinfo(self, _params: dict[str, Any]) -> dict[str, Any]:
        with self._changed:
            webhook = self.webhook or {}
            return {"url": webhook.get("url", ""), "has_custom_certificate": False,
                    "pending_update_count": len(self._pending),
                    "allowed_updates": webhook.get("allowed_updates") or []}


def _user(user_id: int, username: str | None) -> dict[str, Any]:
    """A (human) User object, with a username when given."""
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Bà Tư", "language_code": "vi"}
    if username:
        user["username"] = username
    return user


def _rendered(params: dict[str, Any]) -> tuple[str, str | None, str, list[str]]:
    """The `text` and `parse_mode` of a sendMessage or editMessageText, with what the user sees and its links;
    ApiError as Telegram answers for an empty, unparsable or too long text."""
    text = str(params.get("text") or "")
    parse_mode = params.get("parse_mode")
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    visible, links = text, []
    if parse_mode == "HTML":
        try:
            visible, links = parse_html(text)
        except ValueError as exc:
            raise ApiError(400, f"Bad Request: {exc}") from exc
    elif parse_mode is not None:
        raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode} in this fake")
    if utf16_len(visible) > MAX_TEXT_UTF16:
        raise ApiError(400, "Bad Request: message is too long")
    return text, parse_mode, visible, links


def _checked_markup(markup: dict | None) -> dict | None:
    """`reply_markup` as given, after Telegram's 64-byte check of inline buttons' callback data."""
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if len(button.get("callback_data", "").encode("utf-8")) > MAX_CALLBACK_BYTES:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities, offsets in UTF-16 units."""
    found = []
    command = _COMMAND.match(text)
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))})
    for mention in _MENTION.finditer(text):
        if command and mention.start() < command.end():
            continue
        found.append({"type": "mention", "offset": utf16_len(text[:mention.start()]),
                      "length": utf16_len(mention.group(0))})
    return found


def _chat_id(params: dict[str, Any]) -> int:
    try:
        return int(params["chat_id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ApiError(400, "Bad Request: chat not found") from exc


async def _params(request: Request) -> dict[str, Any]:
    """Parameters from the query string and a JSON or urlencoded body (no file uploads), decoded like Telegram."""
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            params.update(json.loads(body))
        return params
    if content_type.startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
    for key in JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            params[key] = json.loads(params[key])
    return params
