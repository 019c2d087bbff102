"""The durable outbox: escalations accepted while the database is unreachable, replayed later exactly once.

Records are appended as JSON lines and fsync'ed before the citizen gets the ticket code. A replay first
renames the file to `<name>.replaying` (new records go to a fresh file), writes each record idempotently
(keyed on its request id), then deletes the renamed file; after a crash it resumes with that file.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.escalations.persist import PendingEscalation

log = logging.getLogger(__name__)


@contextmanager
def _locked(path: Path, blocking: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on `path` (yields False when not blocking and someone else holds it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class Outbox:
    """An append-only JSON-lines file of `PendingEscalation` records."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.replaying = path.with_name(path.name + ".replaying")
        self._append_lock = path.with_name(path.name + ".lock")
        self._replay_lock = path.with_name(path.name + ".replay-lock")

    def append(self, pending: PendingEscalation) -> None:
        """Add one record and make it durable (fsync of the file, and of the folder when new)."""
        line = json.dumps(pending.to_json(), ensure_ascii=False) + "\n"
        with _locked(self._append_lock):
            created = not self.path.exists()
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                if not created and os.fstat(descriptor).st_size and not self._ends_with_newline():
                    line = "\n" + line  # a torn last line from a crash must not swallow this record
                os.write(descriptor, line.encode())
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            if created:
                _fsync_dir(self.path.parent)

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as handle:
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) == b"\n"

    def pending(self) -> list[PendingEscalation]:
        """Every readable record still waiting to be written (the file being replayed first)."""
        return [record for path in (self.replaying, self.path) for record in _read(path)]

    def replay(self, write: Callable[[PendingEscalation], object]) -> int:
        """Pass every waiting record to `write` (which must be idempotent); return how many were passed.

        Stops at the first failure (the database is still down) and leaves the rest for the next call.
        Returns 0 at once when another process is replaying.
        """
        written = 0
        if not self.replaying.exists() and not self.path.exists():
            return 0  # nothing waiting (a record appended right now is picked up by the next call)
        with _locked(self._replay_lock, blocking=False) as acquired:
            if not acquired:
                return 0
            while True:
                with _locked(self._append_lock):
                    if not self.replaying.exists():
                        if not self.path.exists():
                            return written
                        os.replace(self.path, self.replaying)
                        _fsync_dir(self.path.parent)
                for record in _read(self.replaying):
                    write(record)
                    written += 1
                self.replaying.unlink()
                _fsync_dir(self.path.parent)


def _read(path: Path) -> Iterator[PendingEscalation]:
    """The records of `path`; a torn line (crash while appending, never acknowledged) is skipped."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield PendingEscalation.from_json(json.loads(line))
            except (ValueError, TypeError, KeyError):
                log.warning("outbox %s line %d is unreadable and was skipped", path.name, number)
