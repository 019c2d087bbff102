"""Concurrent claims of one ticket: exactly one member wins, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.escalations.intake import submit_escalation
from bot.escalations.workflow import ClaimOutcome, Workflow
from bot.models import Escalation
from bot.settings import Settings
from tests.escalations.helpers import request

MEMBERS = ["tanlap_lan", "tanlap_hung", "tanlap_thao"]
ROUNDS = 8


def race(workflow: Workflow, code: str) -> list[ClaimOutcome]:
    barrier = threading.Barrier(len(MEMBERS) * 2)
    outcomes: list[ClaimOutcome] = []
    errors: list[BaseException] = []

    def claim(member: str) -> None:
        barrier.wait()
        try:
            outcomes.append(workflow.claim(code, member))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=claim, args=(m,)) for m in MEMBERS * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return outcomes


def test_exactly_one_of_concurrent_claims_wins(workflow: Workflow, engine: Engine, settings: Settings) -> None:
    for round_number in range(ROUNDS):
        code = submit_escalation(request(chat_id=f"c{round_number}"), engine=engine, settings=settings)
        outcomes = race(workflow, code)
        winners = [o for o in outcomes if o.won]
        assert len(winners) == 1, outcomes
        with Session(engine) as session:
            row = session.scalar(select(Escalation).where(Escalation.ticket_code == code))
        assert (row.status, row.assignee) == ("claimed", winners[0].assignee)
        assert {o.assignee for o in outcomes} == {winners[0].assignee}  # losers are told who won
