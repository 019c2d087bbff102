"""Unit tests of the supervisor's restart policy."""

from bot.supervisor import MAX_BACKOFF_SECONDS, backoff_delay


def test_backoff_doubles_then_caps():
    assert [backoff_delay(n) for n in range(1, 6)] == [1, 2, 4, 8, 16]
    assert backoff_delay(50) == MAX_BACKOFF_SECONDS
