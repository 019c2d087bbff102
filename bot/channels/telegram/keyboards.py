"""Buttons as Telegram inline keyboards, within the 64-byte limit of callback data."""

from __future__ import annotations

import base64
import hashlib
from collections import OrderedDict
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.limits import TELEGRAM_CALLBACK_DATA_BYTES
from bot.messages import Button

STORED_PREFIX = "#p:"


class CallbackPayloads:
    """Maps button payloads to callback data and back.

    A payload that fits in Telegram's 64 bytes is its own callback data. A longer one (or one that
    starts with the reserved prefix) is kept in this in-process map, bounded in size, under a short
    key derived from its hash; after a restart such a button can no longer be resolved.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._stored: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        """The callback data for `payload`."""
        if len(payload.encode("utf-8")) <= TELEGRAM_CALLBACK_DATA_BYTES and not payload.startswith(STORED_PREFIX):
            return payload
        digest = hashlib.sha256(payload.encode("utf-8")).digest()
        key = STORED_PREFIX + base64.urlsafe_b64encode(digest[:12]).decode("ascii")
        self._stored[key] = payload
        self._stored.move_to_end(key)
        while len(self._stored) > self._capacity:
            self._stored.popitem(last=False)
        return key

    def decode(self, data: str) -> str | None:
        """The payload behind callback `data`; None when it was stored and is no longer known."""
        if not data.startswith(STORED_PREFIX):
            return data
        return self._stored.get(data)


def inline_keyboard(buttons: Sequence[Button], payloads: CallbackPayloads) -> InlineKeyboardMarkup | None:
    """One button per row (titles stay readable on a small phone); None when there are no buttons."""
    rows = [
        [InlineKeyboardButton(button.title or button.payload, callback_data=payloads.encode(button.payload))]
        for button in buttons
        if button.payload
    ]
    return InlineKeyboardMarkup(rows) if rows else None
