"""Talks to the Rasa servers' REST channel and reports their health.

With several Rasa replicas (sharing one SQL tracker store and one Redis lock store), each conversation goes to
the replica picked by a stable hash of its sender id, so that its messages usually meet the same server; when
that replica is down (connection refused or cut, or HTTP 502/503/504), the message goes to the next one and the
replica is skipped for `RASA_REPLICA_RETRY_AFTER_SECONDS`. Any replica can carry on any conversation, since
the conversation itself lives in the tracker store.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from bot.messages import Message

RASA_CONNECT_TIMEOUT_SECONDS = 3.0
"""How long to wait for a replica to accept the connection before trying the next one."""
RASA_REPLICA_RETRY_AFTER_SECONDS = 10.0
"""How long a replica found down is tried only after the others."""

REPLICA_DOWN_STATUSES = frozenset({502, 503, 504})
"""Answers that mean "this server cannot take the message now" (Rasa answers 503 while it loads its model)."""
REPLICA_DOWN_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError)
"""Transport errors after which the message was not processed: nothing listens, or the server died while
handling it (Rasa stores a conversation's new events only once the whole message is handled)."""


class RasaUnavailable(RuntimeError):
    """Rasa could not be reached or answered with an error."""


class _ReplicaDown(Exception):
    """One replica could not take the message; another one may."""


def parse_rest_messages(raw: Any) -> list[Message]:
    """Turn Rasa REST-channel output into `Message`s, ignoring what is not text or buttons."""
    if not isinstance(raw, list):
        raise RasaUnavailable("unexpected answer from Rasa")
    messages = [Message.from_dict(item) for item in raw if isinstance(item, dict)]
    return [message for message in messages if message.text or message.buttons]


def replica_order(sender_id: str, replicas: int) -> list[int]:
    """The replicas to try for `sender_id`, first its own (a stable hash, the same in every process), then the
    following ones in turn."""
    first = zlib.crc32(sender_id.encode("utf-8")) % replicas
    return [(first + step) % replicas for step in range(replicas)]


class RasaClient:
    """Async client of one Rasa server or of several replicas of it."""

    def __init__(self, base_urls: str | Sequence[str], timeout: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        if not urls:
            raise ValueError("at least one Rasa URL is needed")
        timeouts = httpx.Timeout(timeout, connect=min(timeout, RASA_CONNECT_TIMEOUT_SECONDS))
        self._clients = [httpx.AsyncClient(base_url=url.rstrip("/"), timeout=timeouts) for url in urls]
        self._down_until = [0.0] * len(urls)
        self._clock = clock

    @property
    def urls(self) -> list[str]:
        """The replicas' base URLs, in order."""
        return [str(client.base_url).rstrip("/") for client in self._clients]

    def _candidates(self, sender_id: str) -> list[int]:
        """The replicas to try: `replica_order`, with the ones recently found down moved to the end."""
        order = replica_order(sender_id, len(self._clients))
        now = self._clock()
        return ([i for i in order if self._down_until[i] <= now] +
                [i for i in order if self._down_until[i] > now])

    async def _send_to(self, index: int, body: dict[str, object]) -> list[Message]:
        try:
            response = await self._clients[index].post("/webhooks/rest/webhook", json=body)
        except REPLICA_DOWN_ERRORS as exc:
            raise _ReplicaDown(f"{self.urls[index]}: {type(exc).__name__}") from exc
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"{self.urls[index]}: {type(exc).__name__} {exc}") from exc
        if response.status_code in REPLICA_DOWN_STATUSES:
            raise _ReplicaDown(f"{self.urls[index]}: HTTP {response.status_code}")
        try:
            response.raise_for_status()
            return parse_rest_messages(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(f"{self.urls[index]}: {exc}") from exc

    async def send(self, sender_id: str, text: str, metadata: dict[str, str] | None = None) -> list[Message]:
        """Send one citizen message (with the channel's `metadata`, which the actions read) and return the
        assistant's replies, moving on to the next replica while one is down; `RasaUnavailable` when none
        could answer."""
        body: dict[str, object] = {"sender": sender_id, "message": text}
        if metadata:
            body["metadata"] = metadata
        problems = []
        for index in self._candidates(sender_id):
            try:
                messages = await self._send_to(index, body)
            except _ReplicaDown as down:
                self._down_until[index] = self._clock() + RASA_REPLICA_RETRY_AFTER_SECONDS
                problems.append(str(down))
                continue
            self._down_until[index] = 0.0
            return messages
        raise RasaUnavailable("no Rasa replica could answer: " + "; ".join(problems))

    async def _replica_ready(self, client: httpx.AsyncClient) -> bool:
        try:
            response = await client.get("/status", timeout=3.0)
            return response.status_code == 200 and bool(response.json().get("model_file"))
        except (httpx.HTTPError, ValueError):
            return False

    async def is_ready(self) -> bool:
        """True when at least one replica answers and has a model loaded (it can serve every conversation)."""
        for client in self._clients:
            if await self._replica_ready(client):
                return True
        return False

    async def aclose(self) -> None:
        """Close the underlying connection pools."""
        for client in self._clients:
            await client.aclose()
