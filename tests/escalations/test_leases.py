"""The team job's database lease: one holder at a time, renewed by its holder, taken over once expired; two team
loops on one database (two instances of the Telegram channel) run one round between them (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import Engine

from bot.channels.telegram.teamloop import TeamLoop
from bot.escalations.intake import submit_escalation
from bot.escalations.workflow import Workflow
from bot.leases import Lease
from bot.models import utcnow
from bot.settings import Settings
from tests.escalations.helpers import RecordingNotifier, request


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


def test_one_holder_at_a_time_until_it_expires(engine: Engine):
    clock = Clock()
    first = Lease(engine, "team-loop", timedelta(seconds=90), holder="a", clock=clock)
    second = Lease(engine, "team-loop", timedelta(seconds=90), holder="b", clock=clock)
    assert first.acquire() and not second.acquire()
    clock.now += timedelta(seconds=60)
    assert first.acquire() and not second.acquire()  # renewed: 90 s from now again
    clock.now += timedelta(seconds=89)
    assert not second.acquire()
    clock.now += timedelta(seconds=2)  # the holder stopped renewing: the lease expired
    assert second.acquire() and not first.acquire()
    assert Lease(engine, "another-job", timedelta(seconds=90), holder="a", clock=clock).acquire()


def test_released_lease_is_free_at_once(engine: Engine):
    first = Lease(engine, "team-loop", timedelta(minutes=5), holder="a")
    second = Lease(engine, "team-loop", timedelta(minutes=5), holder="b")
    assert first.acquire()
    second.release()  # not the holder: nothing happens
    assert not second.acquire()
    first.release()
    assert second.acquire()


def test_holders_racing_for_a_free_lease_get_one_winner(engine: Engine):
    leases = [Lease(engine, "team-loop", timedelta(minutes=5), holder=f"h{i}") for i in range(6)]
    barrier = threading.Barrier(len(leases))
    won: list[str] = []

    def race(lease: Lease) -> None:
        barrier.wait()
        if lease.acquire():
            won.append(lease.holder)

    threads = [threading.Thread(target=race, args=(lease,)) for lease in leases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(won) == 1


def test_two_team_loops_run_one_round_between_them(engine: Engine, settings: Settings, workflow: Workflow):
    clock = Clock()
    code = submit_escalation(request(), engine=engine, settings=settings)
    loops = [TeamLoop(workflow, RecordingNotifier(), Lease(engine, "team-loop", timedelta(minutes=3),
                                                           holder=name, clock=clock)) for name in ("a", "b")]
    first, second = (loop.run_once() for loop in loops)
    assert (first.announced, first.skipped) == ([code], False)
    assert (second.announced, second.skipped) == ([], True)
    assert [len(loop.notifier.sent) for loop in loops] == [1, 0]  # type: ignore[attr-defined]
    clock.now += timedelta(minutes=4)  # instance "a" is gone: "b" takes the job over
    assert not loops[1].run_once().skipped and loops[0].run_once().skipped


def test_the_migration_creates_the_lease_table_as_its_model_declares(engine: Engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.models import Base

    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert "job_leases" in engine.dialect.get_table_names(connection)
    assert [d for d in diffs if "job_leases" in repr(d)] == []
