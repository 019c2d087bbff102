"""Rasa's Redis lock store with atomic updates, for several Rasa replicas sharing the conversations.

Rasa 3.6's `RedisLockStore` reads a conversation's ticket lock, changes it and writes it back in separate
commands. Within one Rasa process that is safe (nothing awaits in between); across replicas two messages of
one conversation arriving together both read "no ticket yet", both take ticket 0 and are handled at the same
time, and one of them is lost from the tracker (seen in `tests/integration/test_replicas.py`). Here every change
of a lock is a Redis transaction (WATCH the key, read, MULTI/SET or DEL, EXEC, retried when another replica
changed the key meanwhile), so tickets are issued and removed one at a time and messages are handled in turn.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` whose read-change-write steps are Redis transactions."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Rasa creates a lock store named by its module path with its endpoint configuration only."""
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    def _transaction(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, T]]
                     ) -> T:
        """Apply `change` to the stored lock atomically: it gets the lock (None if there is none) and returns the
        lock to store (None: delete it) and a result."""
        key = self._key(conversation_id)

        def apply(pipe: Any) -> T:
            raw = pipe.get(key)
            lock, result = change(TicketLock.from_dict(json.loads(raw)) if raw else None)
            pipe.multi()
            if lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())
            return result

        outcome: T = self.red.transaction(apply, key, value_from_callable=True)
        return outcome

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue the next ticket of the conversation's lock (created if missing), atomically."""
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._transaction(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Remove the expired tickets of the conversation's lock, atomically."""
        def prune(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._transaction(conversation_id, prune)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove one ticket from the conversation's lock, atomically."""
        def remove(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._transaction(conversation_id, remove)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket, and the lock itself when no other ticket waits, in one transaction."""
        def remove(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._transaction(conversation_id, remove)
