"""A per-chat limit on incoming messages, with one warning per window (every channel's chats: Telegram, Zalo)."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import Enum

PRUNE_FLOOR = 1000


class Verdict(Enum):
    """What to do with one incoming message."""

    ALLOW = "allow"  # handle it
    WARN = "warn"  # first message over the limit in this window: tell the citizen to wait
    DROP = "drop"  # further messages over the limit: ignore silently


@dataclass
class _Window:
    started: float
    count: int = 0


class ChatRateLimiter:
    """At most `limit` messages per chat in each fixed window of `window_seconds` (limit 0 = no limit)."""

    def __init__(
        self, limit: int, window_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._windows: dict[Hashable, _Window] = {}
        self._prune_at = PRUNE_FLOOR

    def check(self, chat_id: Hashable) -> Verdict:
        """Count one message of `chat_id` and say whether to handle it."""
        if self.limit <= 0:
            return Verdict.ALLOW
        now = self._clock()
        window = self._windows.get(chat_id)
        if window is None or now - window.started >= self.window_seconds:
            self._forget_expired(now)
            window = self._windows[chat_id] = _Window(started=now)
        window.count += 1
        if window.count <= self.limit:
            return Verdict.ALLOW
        return Verdict.WARN if window.count == self.limit + 1 else Verdict.DROP

    def _forget_expired(self, now: float) -> None:
        """Drop finished windows whenever the table has doubled, so memory follows the active chats."""
        if len(self._windows) >= self._prune_at:
            self._windows = {
                chat: w for chat, w in self._windows.items() if now - w.started < self.window_seconds
            }
            self._prune_at = max(PRUNE_FLOOR, 2 * len(self._windows))

    def tracked_chats(self) -> int:
        """How many chats currently have a window in memory."""
        return len(self._windows)
