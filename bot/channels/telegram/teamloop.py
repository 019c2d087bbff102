"""The Telegram channel's periodic team job: announce new escalations in their team's group, remind
teams of unclaimed tickets, report overdue ones to the provincial ICT department.

The channel schedules `TeamLoop.run_job` on PTB's job queue every `TEAM_LOOP_INTERVAL_SECONDS`. With several
instances of the channel (behind a load balancer, in webhook mode), only the holder of the `team-loop` database
lease runs a round, so that no notice, reminder or overdue notice is posted twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from telegram.ext import ContextTypes

from bot.db import DATABASE_UNREACHABLE_ERRORS
from bot.delivery import Notifier
from bot.escalations.routing import dispatch_team_notices
from bot.escalations.sla import send_sla_messages, sla_check
from bot.escalations.workflow import Workflow
from bot.leases import Lease

logger = logging.getLogger(__name__)
TEAM_LOOP_LEASE = "team-loop"
LEASE_ROUNDS = 3
"""The lease lasts this many rounds: another instance takes the job over that long after its holder stopped."""


def team_loop_lease(workflow: Workflow, interval_seconds: float) -> Lease:
    """The lease of the team job on the workflow's database, lasting `LEASE_ROUNDS` rounds of `interval_seconds`."""
    return Lease(workflow.engine, TEAM_LOOP_LEASE, timedelta(seconds=interval_seconds * LEASE_ROUNDS))


@dataclass(frozen=True)
class TeamRound:
    """What one round did: tickets announced, reminded, reported overdue, and messages that failed; `skipped`
    when another instance holds the team job's lease."""

    announced: list[str]
    reminded: list[str]
    overdue: list[str]
    failed: int
    skipped: bool = False


class TeamLoop:
    """Runs `dispatch_team_notices` and `sla_check` (times from the workflow's clock), while holding `lease`
    (None: unconditionally, for a single instance)."""

    def __init__(self, workflow: Workflow, notifier: Notifier, lease: Lease | None = None) -> None:
        self.workflow = workflow
        self.notifier = notifier
        self.lease = lease

    def run_once(self) -> TeamRound:
        """One round (blocking: database and sends; run it in a worker thread); skipped when another instance
        holds the lease."""
        if self.lease is not None and not self.lease.acquire():
            return TeamRound([], [], [], 0, skipped=True)
        announced = dispatch_team_notices(self.workflow, self.notifier)
        report = sla_check(self.workflow)
        failed = send_sla_messages(self.workflow, report, self.notifier)
        if failed:
            logger.warning("%d reminder/overdue message(s) could not be sent; retrying at the next round", failed)
        return TeamRound([d.ticket_code or "" for d in announced], report.reminded, report.overdue, failed)

    async def run_job(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """One round as a job of PTB's job queue: in a worker thread, logged; an error only skips the round."""
        try:
            done = await asyncio.to_thread(self.run_once)
            if done.announced or done.reminded or done.overdue:
                logger.info("team job: %d announced, %d reminded, %d overdue", len(done.announced),
                            len(done.reminded), len(done.overdue))
        except DATABASE_UNREACHABLE_ERRORS as error:
            logger.warning("team job: database unavailable (%s); retrying later", type(error).__name__)
        except Exception:
            logger.exception("team job failed; retrying later")
