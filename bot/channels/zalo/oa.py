"""The Zalo Official Account (OA) API v3, the second transport of the Zalo channel: a commune's OA receives its
followers' messages by webhook (signed) and answers them with consultation messages.

* Webhook: every event carries `X-ZEvent-Signature: mac=<sha256(app_id + body + timestamp + OA secret key)>`,
  `timestamp` being the event's own field; a request whose signature does not match is refused (HTTP 403).
* Sending: `POST /v3.0/oa/message/cs` with the `access_token` header and `{"recipient": {"user_id"},
  "message": {"text"}}`; the answer is `{"error": 0, ...}` or an error code.
* Tokens: the access token lasts about 25 hours; `POST /v4/oa/access_token` (header `secret_key`: the app's
  secret; form `refresh_token`, `app_id`, `grant_type=refresh_token`) gives a new access token and a new
  refresh token, the old one being used up. Both are kept in the database (`zalo_oa_tokens`) for every process.
* Reply window: an OA may reply to a follower within 48 hours of the follower's last message, up to 8 times
  (`bot.channels.zalo.chats.take_reply_slots`); later messages would be paid proactive ones and are not sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from bot.db import rows_affected
from bot.models import ZaloOaToken, utcnow

logger = logging.getLogger(__name__)

TOKEN_ROW = 1
INVALID_ACCESS_TOKEN_ERRORS = frozenset({-216, -220})
"""OA API errors meaning the access token is invalid or expired: refresh it and send again."""
REFRESH_MARGIN = timedelta(minutes=10)
"""Refresh the access token this long before it expires."""
DEFAULT_TOKEN_SECONDS = 90_000
REQUEST_TIMEOUT_SECONDS = 20.0
SIGNATURE_PREFIX = "mac="


class OaApiError(RuntimeError):
    """An error answer of the OA API or of Zalo's OAuth server."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class OutsideReplyWindow(RuntimeError):
    """The follower's reply window has closed (or its replies are used up): the message was not sent."""


def valid_signature(raw_body: bytes, header: str | None, app_id: str, oa_secret_key: str) -> bool:
    """True when the `X-ZEvent-Signature` header matches the event, for this app and Official Account."""
    if not header:
        return False
    try:
        body = raw_body.decode("utf-8")
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return False
    if not isinstance(event, dict) or str(event.get("app_id", "")) != app_id:
        return False
    timestamp = str(event.get("timestamp", ""))
    expected = hashlib.sha256(f"{app_id}{body}{timestamp}{oa_secret_key}".encode()).hexdigest()
    given = header.strip().removeprefix(SIGNATURE_PREFIX).strip().lower()
    return hmac.compare_digest(given, expected)


@dataclass(frozen=True)
class Tokens:
    """The OA's current tokens."""

    access_token: str
    refresh_token: str
    expires_at: datetime | None

    def fresh(self, now: datetime) -> bool:
        """True while the access token is usable for a while yet."""
        return bool(self.access_token) and self.expires_at is not None and now < self.expires_at - REFRESH_MARGIN


class TokenStore:
    """The OA's tokens in the database, started from `ZALO_OA_REFRESH_TOKEN` (and restarted when that changes).

    Blocking: call it from a worker thread in async code."""

    def __init__(self, engine: Engine, seed_refresh_token: str) -> None:
        self._engine = engine
        self._seed_token = seed_refresh_token
        self._seed = hashlib.sha256(seed_refresh_token.encode()).hexdigest()

    def current(self) -> Tokens:
        """The stored tokens (the configured refresh token, without an access token, the first time)."""
        with Session(self._engine) as session:
            row = session.get(ZaloOaToken, TOKEN_ROW)
            if row is None or row.seed != self._seed:
                if row is not None:
                    session.delete(row)
                    session.flush()
                row = ZaloOaToken(id=TOKEN_ROW, access_token="", refresh_token=self._seed_token, expires_at=None,
                                  seed=self._seed)
                session.add(row)
                session.commit()
            return Tokens(row.access_token, row.refresh_token, row.expires_at)

    def replace(self, used_refresh_token: str, tokens: Tokens) -> bool:
        """Store `tokens` if the refresh token used is still the stored one (False: another process won)."""
        with Session(self._engine) as session:
            result = session.execute(
                update(ZaloOaToken)
                .where(ZaloOaToken.id == TOKEN_ROW, ZaloOaToken.refresh_token == used_refresh_token)
                .values(access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                        expires_at=tokens.expires_at, updated_at=utcnow())
            )
            session.commit()
            return rows_affected(result) == 1


class ZaloOaApi:
    """Sends text to the Official Account's followers, refreshing the access token when needed."""

    def __init__(self, app_id: str, app_secret: str, tokens: TokenStore, api_base_url: str,
                 oauth_base_url: str) -> None:
        self._app_id = app_id
        self._app_secret = app_secret
        self._tokens = tokens
        self._api = api_base_url.rstrip("/")
        self._oauth = oauth_base_url.rstrip("/")
        self._client = httpx.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS)
        self._refreshing = asyncio.Lock()

    async def send_text(self, user_id: str, text: str) -> None:
        """Send a consultation text message; OaApiError when Zalo refuses it."""
        tokens = await self._usable_tokens()
        try:
            await self._send(tokens.access_token, user_id, text)
        except OaApiError as error:
            if error.code not in INVALID_ACCESS_TOKEN_ERRORS:
                raise
            logger.info("the Official Account's access token was refused (%d); refreshing it", error.code)
            tokens = await self._refresh(tokens)
            await self._send(tokens.access_token, user_id, text)

    async def _send(self, access_token: str, user_id: str, text: str) -> None:
        response = await self._client.post(f"{self._api}/v3.0/oa/message/cs", headers={"access_token": access_token},
                                           json={"recipient": {"user_id": user_id}, "message": {"text": text}})
        body = _json(response)
        code = body.get("error", 0)
        if not isinstance(code, int) or code != 0:
            raise OaApiError(code if isinstance(code, int) else response.status_code, str(body.get("message")))

    async def _usable_tokens(self) -> Tokens:
        tokens = await asyncio.to_thread(self._tokens.current)
        return tokens if tokens.fresh(utcnow()) else await self._refresh(tokens)

    async def _refresh(self, stale: Tokens) -> Tokens:
        """New tokens from the refresh token (one refresh at a time; a process that lost the race reads the
        winner's tokens)."""
        async with self._refreshing:
            stored = await asyncio.to_thread(self._tokens.current)
            if stored.access_token != stale.access_token and stored.fresh(utcnow()):
                return stored  # refreshed meanwhile
            response = await self._client.post(
                f"{self._oauth}/v4/oa/access_token", headers={"secret_key": self._app_secret},
                data={"refresh_token": stored.refresh_token, "app_id": self._app_id, "grant_type": "refresh_token"})
            body = _json(response)
            if not body.get("access_token") or not body.get("refresh_token"):
                latest = await asyncio.to_thread(self._tokens.current)
                if latest.refresh_token != stored.refresh_token and latest.fresh(utcnow()):
                    return latest  # another process used the refresh token first, and stored its tokens
                code = body.get("error")
                raise OaApiError(code if isinstance(code, int) else response.status_code,
                                 str(body.get("error_description") or body.get("error_name") or "token refresh failed"))
            fresh = Tokens(str(body["access_token"]), str(body["refresh_token"]),
                           utcnow() + timedelta(seconds=_seconds(body.get("expires_in"))))
            if not await asyncio.to_thread(self._tokens.replace, stored.refresh_token, fresh):
                return await asyncio.to_thread(self._tokens.current)
            logger.info("the Official Account's access token was refreshed")
            return fresh

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._client.aclose()


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise OaApiError(response.status_code, f"HTTP {response.status_code} without a JSON answer")
    return body


def _seconds(value: object) -> int:
    """`expires_in`, which Zalo writes as a string of seconds."""
    try:
        return int(str(value))
    except ValueError:
        return DEFAULT_TOKEN_SECONDS
