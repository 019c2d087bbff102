"""Database leases: a job that must run in one process only (the team loop posting notices, reminders and
overdue notices) runs where its lease is held, so that two instances of a channel never post twice.

A lease is a row (name, holder, expiry). A process takes it when it is free or expired, and renews it at each
round while it holds it; another process gets it only once it has expired (its holder died or stopped renewing).
The take is one conditional UPDATE (or an INSERT racing on the primary key), atomic on PostgreSQL and SQLite.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import rows_affected
from bot.models import JobLease, utcnow


def process_holder_id() -> str:
    """An id for this process that no other process on any host has: `host:pid:random`."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass
class Lease:
    """The lease `name` on `engine`, held for `ttl` after each successful `acquire` by `holder`."""

    engine: Engine
    name: str
    ttl: timedelta
    holder: str = field(default_factory=process_holder_id)
    clock: Callable[[], datetime] = utcnow

    def acquire(self) -> bool:
        """Take or renew the lease; True when this holder has it until now + ttl, False when another live
        holder has it."""
        now = self.clock()
        expires = now + self.ttl
        with Session(self.engine) as session, session.begin():
            taken = rows_affected(session.execute(
                update(JobLease)
                .where(JobLease.name == self.name, or_(JobLease.holder == self.holder, JobLease.expires_at <= now))
                .values(holder=self.holder, expires_at=expires)
            ))
        if taken:
            return True
        try:
            with Session(self.engine) as session, session.begin():
                session.add(JobLease(name=self.name, holder=self.holder, expires_at=expires))
        except IntegrityError:  # the row exists and another holder's lease has not expired
            return False
        return True

    def release(self) -> None:
        """Give the lease up (on a clean stop), so that another process can take it at once."""
        with Session(self.engine) as session, session.begin():
            session.execute(delete(JobLease).where(JobLease.name == self.name, JobLease.holder == self.holder))
