"""Talks to the Rasa server's REST channel and reports its health."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


class RasaUnavailable(RuntimeError):
    """Rasa could not be reached or answered with an error."""


@dataclass(frozen=True)
class Button:
    """A quick-reply button: what the citizen sees and what is sent back when pressed."""

    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    """One message of the assistant, channel independent."""

    text: str
    buttons: list[Button] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Serialise for the HTTP API."""
        return {"text": self.text, "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons]}


def parse_rest_messages(raw: Any) -> list[BotMessage]:
    """Turn Rasa REST-channel output into `BotMessage`s, ignoring what is not text or buttons."""
    messages: list[BotMessage] = []
    if not isinstance(raw, list):
        raise RasaUnavailable("unexpected answer from Rasa")
    for item in raw:
        if not isinstance(item, dict):
            continue
        text = item.get("text") or ""
        buttons = [
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in item.get("buttons") or []
            if isinstance(b, dict)
        ]
        if text or buttons:
            messages.append(BotMessage(text=str(text), buttons=buttons))
    return messages


class RasaClient:
    """Async client of one Rasa server."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self._client = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout)

    async def send(self, sender_id: str, text: str) -> list[BotMessage]:
        """Send one citizen message and return the assistant's replies."""
        try:
            response = await self._client.post(
                "/webhooks/rest/webhook", json={"sender": sender_id, "message": text}
            )
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
