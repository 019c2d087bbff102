"""A small typed async client of the Zalo Bot Platform API (`https://bot-api.zaloplatforms.com/bot<token>/<method>`).

Every method is a POST with a JSON body; every answer is `{"ok": true, "result": ...}` or
`{"ok": false, "error_code": int, "description": str}`. `getUpdates` long-polls and returns one update per
call (or error 408 when none came within the timeout). The token is part of every URL, so URLs are never logged.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx

POLL_TIMEOUT_ERROR = 408
RATE_LIMITED_ERROR = 429
RETRY_AFTER_RATE_LIMIT_SECONDS = 1.0
UNAUTHORIZED_ERRORS = frozenset({401, 403})
REQUEST_TIMEOUT_SECONDS = 20.0


class ZaloApiError(RuntimeError):
    """An error answer of the Bot API (or an HTTP status without one)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description

    @property
    def unauthorized(self) -> bool:
        """True when Zalo refused the token."""
        return self.code in UNAUTHORIZED_ERRORS


@dataclass(frozen=True)
class BotInfo:
    """The bot as `getMe` describes it."""

    id: str
    account_name: str


class ZaloBotApi:
    """Calls the Bot API for one bot token. Use `aclose()` when done."""

    def __init__(self, token: str, base_url: str) -> None:
        self._root = f"{base_url.rstrip('/')}/bot{token}"
        self._client = httpx.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS)

    async def call(self, method: str, params: dict[str, Any] | None = None, *,
                   timeout: float = REQUEST_TIMEOUT_SECONDS) -> Any:
        """The `result` of `method`; ZaloApiError for an error answer, httpx.HTTPError when Zalo is unreachable.

        A rate-limited call (429) is retried once after a short wait."""
        try:
            return await self._call_once(method, params or {}, timeout)
        except ZaloApiError as error:
            if error.code != RATE_LIMITED_ERROR:
                raise
        await asyncio.sleep(RETRY_AFTER_RATE_LIMIT_SECONDS)
        return await self._call_once(method, params or {}, timeout)

    async def _call_once(self, method: str, params: dict[str, Any], timeout: float) -> Any:
        response = await self._client.post(f"{self._root}/{method}", json=params, timeout=timeout)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ZaloApiError(response.status_code, f"HTTP {response.status_code} without a JSON answer")
        if not body.get("ok"):
            code = body.get("error_code")
            raise ZaloApiError(int(code) if isinstance(code, int) else response.status_code,
                               str(body.get("description") or "error"))
        return body.get("result")

    async def get_me(self) -> BotInfo:
        """The bot's id and account name (checks the token)."""
        result = await self.call("getMe")
        if not isinstance(result, dict) or "id" not in result:
            raise ZaloApiError(0, "getMe answered without a bot")
        return BotInfo(id=str(result["id"]), account_name=str(result.get("account_name") or result.get("display_name")
                                                                  or result["id"]))

    async def get_updates(self, timeout: int) -> list[Any]:
        """The updates that arrived within `timeout` seconds (usually one; none when the poll timed out)."""
        try:
            result = await self.call("getUpdates", {"timeout": str(timeout)}, timeout=timeout + REQUEST_TIMEOUT_SECONDS)
        except ZaloApiError as error:
            if error.code == POLL_TIMEOUT_ERROR:
                return []
            raise
        if result is None:
            return []
        return list(result) if isinstance(result, list) else [result]

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """Have Zalo post updates to `url` with `secret_token` in the `X-Bot-Api-Secret-Token` header."""
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        """Stop webhook delivery (long polling needs it off)."""
        await self.call("deleteWebhook")

    async def send_message(self, chat_id: str, text: str) -> None:
        """Send a plain-text message (at most `bot.limits.ZALO_MESSAGE_CHARS` characters)."""
        await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_typing(self, chat_id: str) -> None:
        """Show "typing…" in the chat for a few seconds."""
        await self.call("sendChatAction", {"chat_id": chat_id, "action": "typing"})

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._client.aclose()
