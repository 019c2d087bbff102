"""Escalation statuses and the transitions allowed between them."""

from __future__ import annotations

OPEN, CLAIMED, ANSWERED, CLOSED, CANCELLED = "open", "claimed", "answered", "closed", "cancelled"
WAITING = (OPEN, CLAIMED)
"""Statuses of escalations still waiting for an answer."""

TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({CLAIMED, ANSWERED, CANCELLED}),
    CLAIMED: frozenset({OPEN, ANSWERED, CANCELLED}),
    ANSWERED: frozenset({CLOSED, OPEN}),
    CLOSED: frozenset({OPEN}),
    CANCELLED: frozenset(),
}
"""status → statuses it may move to (claimed → open is releasing a claim; answered or closed → open is the citizen
reopening a ticket whose answer did not help)."""


class InvalidTransition(Exception):
    """An escalation cannot move from its current status to the requested one."""

    def __init__(self, ticket_code: str, current: str, wanted: str) -> None:
        super().__init__(f"{ticket_code}: cannot go from '{current}' to '{wanted}'")
        self.ticket_code, self.current, self.wanted = ticket_code, current, wanted


def check_transition(ticket_code: str, current: str, wanted: str) -> None:
    """Raise `InvalidTransition` unless `current` → `wanted` is allowed."""
    if wanted not in TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition(ticket_code, current, wanted)
