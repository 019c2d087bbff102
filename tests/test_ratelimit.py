"""The per-chat rate limit: a fixed window, one warning, then silence."""

from __future__ import annotations

from bot.ratelimit import PRUNE_FLOOR, ChatRateLimiter, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limit_then_one_warning_then_silence_until_the_window_ends():
    clock = Clock()
    limiter = ChatRateLimiter(3, window_seconds=60, clock=clock)
    verdicts = [limiter.check(7) for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
    clock.now += 59.9
    assert limiter.check(7) is Verdict.DROP
    clock.now += 0.1
    assert [limiter.check(7) for _ in range(5)] == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP]


def test_chats_are_limited_separately():
    limiter = ChatRateLimiter(1, clock=Clock())
    assert limiter.check(1) is Verdict.ALLOW
    assert limiter.check(1) is Verdict.WARN
    assert limiter.check(2) is Verdict.ALLOW


def test_zero_means_no_limit():
    limiter = ChatRateLimiter(0, clock=Clock())
    assert {limiter.check(1) for _ in range(1000)} == {Verdict.ALLOW}


def test_memory_follows_the_active_chats():
    clock = Clock()
    limiter = ChatRateLimiter(5, clock=clock)
    for chat in range(PRUNE_FLOOR):
        limiter.check(chat)
    clock.now += 61  # every window above has ended
    for chat in range(PRUNE_FLOOR, 3 * PRUNE_FLOOR):
        limiter.check(chat)
    assert limiter.tracked_chats() == 2 * PRUNE_FLOOR  # only the chats of the current windows are kept
    assert limiter.check(PRUNE_FLOOR) is Verdict.ALLOW  # and they are still counted
