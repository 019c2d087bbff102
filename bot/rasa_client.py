"""Talks to the Rasa server's REST channel and reports its health."""

from __future__ import annotations

from typing import Any

import httpx

from bot.messages import Message


class RasaUnavailable(RuntimeError):
    """Rasa could not be reached or answered with an error."""


def parse_rest_messages(raw: Any) -> list[Message]:
    """Turn Rasa REST-channel output into `Message`s, ignoring what is not text or buttons."""
    if not isinstance(raw, list):
        raise RasaUnavailable("unexpected answer from Rasa")
    messages = [Message.from_dict(item) for item in raw if isinstance(item, dict)]
    return [message for message in messages if message.text or message.buttons]


class RasaClient:
    """Async client of one Rasa server."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self._client = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout)

    async def send(self, sender_id: str, text: str, metadata: dict[str, str] | None = None) -> list[Message]:
        """Send one citizen message (with the channel's `metadata`, which the actions read) and return the
        assistant's replies."""
        body: dict[str, object] = {"sender": sender_id, "message": text}
        if metadata:
            body["metadata"] = metadata
        try:
            response = await self._client.post("/webhooks/rest/webhook", json=body)
            response.raise_for_status()
            return parse_rest_messages(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(str(exc)) from exc

    async def is_ready(self) -> bool:
        """True when the server answers and has a model loaded."""
        try:
            response = await self._client.get("/status", timeout=3.0)
            return response.status_code == 200 and bool(response.json().get("model_file"))
        except (httpx.HTTPError, ValueError):
            return False

    async def aclose(self) -> None:
        """Close the underlying connection pool."""
        await self._client.aclose()
