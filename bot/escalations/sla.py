"""Service levels: remind a team of tickets unclaimed too long, report overdue ones to the province."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import rows_affected
from bot.delivery import Delivery, Notifier, deliver_all
from bot.escalations import texts
from bot.escalations.states import OPEN
from bot.escalations.workflow import Workflow
from bot.messages import Message
from bot.models import Escalation

REMINDED, OVERDUE = "reminded_at", "overdue_at"


@dataclass(frozen=True)
class SlaReport:
    """Tickets that needed a reminder or became overdue at this check, and the messages to send."""

    reminded: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    reminders: list[Delivery] = field(default_factory=list)
    overdue_notices: list[Delivery] = field(default_factory=list)

    @property
    def deliveries(self) -> list[Delivery]:
        """Every message to send: the team reminders, then the notices to the ICT department."""
        return self.reminders + self.overdue_notices


def _mark_once(workflow: Workflow, column: str, older_than: datetime, now: datetime) -> list[Escalation]:
    """Open tickets created before `older_than` whose `column` is unset; set it (once, race-free)."""
    attribute = getattr(Escalation, column)
    marked = []
    with Session(workflow.engine, expire_on_commit=False) as session:
        rows = session.scalars(select(Escalation).where(
            Escalation.status == OPEN, Escalation.created_at < older_than, attribute.is_(None)).order_by(Escalation.id)
        ).all()
        for row in rows:
            unmarked = (Escalation.id == row.id, Escalation.status == OPEN, attribute.is_(None))
            if rows_affected(session.execute(update(Escalation).where(*unmarked).values({column: now}))) == 1:
                marked.append(row)
        session.commit()
    return marked


def sla_check(workflow: Workflow, now: datetime | None = None) -> SlaReport:
    """Find tickets unclaimed for `ESCALATION_REMIND_AFTER_HOURS` (team reminder) and for
    `ESCALATION_OVERDUE_AFTER_HOURS` (overdue, to the provincial ICT department); each is reported once.

    `now` defaults to the workflow's clock. Deliveries are made only where a Telegram group is configured.
    """
    now = now or workflow.clock()
    remind_hours = workflow.settings.escalation_remind_after_hours
    overdue_hours = workflow.settings.escalation_overdue_after_hours
    reminders: list[Delivery] = []
    reminded = _mark_once(workflow, REMINDED, now - timedelta(hours=remind_hours), now)
    for row in reminded:
        commune = workflow.commune(row.commune_code)
        if commune.team.telegram_chat_id is not None:
            reminder = Message(texts.reminder(row.ticket_code, commune.name, remind_hours),
                               texts.team_buttons(row.ticket_code))
            reminders.append(Delivery("telegram", str(commune.team.telegram_chat_id), reminder, row.ticket_code))
    overdue_notices: list[Delivery] = []
    overdue = _mark_once(workflow, OVERDUE, now - timedelta(hours=overdue_hours), now)
    department = workflow.province.ict_department_chat_id
    for row in overdue:
        if department is not None:
            commune = workflow.commune(row.commune_code)
            notice = Message(texts.overdue_notice(row.ticket_code, commune.name, overdue_hours))
            overdue_notices.append(Delivery("telegram", str(department), notice, row.ticket_code))
    return SlaReport([r.ticket_code for r in reminded], [r.ticket_code for r in overdue], reminders, overdue_notices)


def _unmark(workflow: Workflow, column: str, codes: list[str]) -> None:
    """Unset `column` on these tickets, so that the next check reports them again."""
    if codes:
        with Session(workflow.engine) as session:
            session.execute(update(Escalation).where(Escalation.ticket_code.in_(codes)).values({column: None}))
            session.commit()


def send_sla_messages(workflow: Workflow, report: SlaReport, notifier: Notifier) -> int:
    """Send the report's reminders and overdue notices; a ticket whose message failed is reported again
    at the next check (its mark is undone). Returns how many messages failed."""
    failed = 0
    for column, deliveries in ((REMINDED, report.reminders), (OVERDUE, report.overdue_notices)):
        undelivered = deliver_all(deliveries, notifier)
        _unmark(workflow, column, [d.ticket_code for d in undelivered if d.ticket_code])
        failed += len(undelivered)
    return failed
