"""Routing: each new escalation is announced in the Telegram group of its commune's team, exactly once (and once more
each time its citizen reopens it)."""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import rows_affected
from bot.delivery import Delivery, Notifier
from bot.escalations import texts
from bot.escalations.states import WAITING
from bot.escalations.workflow import Workflow
from bot.messages import Message
from bot.models import Escalation

log = logging.getLogger(__name__)


def team_notice(workflow: Workflow, row: Escalation, joined: tuple[str, str] | None) -> Delivery | None:
    """The announcement of `row` for its team's group; None when the team has no Telegram group.

    `joined` is the (ticket code, commune code) of the first escalation of the cluster `row` joined, if any.
    """
    commune = workflow.commune(row.commune_code)
    if commune.team.telegram_chat_id is None:
        return None
    joined_text = None
    if joined is not None:
        code, joined_commune = joined
        same_commune = joined_commune == row.commune_code
        joined_text = code if same_commune else f"{code} ({workflow.commune(joined_commune).name})"
    text = texts.team_notice(row.ticket_code, commune.name, row.question, row.topic, row.phone_masked, joined_text,
                             row.answer)
    return Delivery("telegram", str(commune.team.telegram_chat_id), Message(text, texts.team_buttons(row.ticket_code)),
                    row.ticket_code)


def dispatch_team_notices(workflow: Workflow, notifier: Notifier, limit: int = 50) -> list[Delivery]:
    """Announce every escalation not announced yet; return the deliveries sent.

    Each escalation is marked before sending (a conditional UPDATE, so two processes never both send it)
    and unmarked when sending fails, to be retried on the next call. Teams without a Telegram group
    work from the web queue: their escalations are only marked, and so are escalations no longer waiting
    (answered or cancelled before any group was configured).
    """
    sent: list[Delivery] = []
    with Session(workflow.engine, expire_on_commit=False) as session:
        rows = session.scalars(select(Escalation).where(Escalation.team_notified_at.is_(None))
                               .order_by(Escalation.id).limit(limit)).all()
        for row in rows:
            marked = rows_affected(session.execute(
                update(Escalation)
                .where(Escalation.id == row.id, Escalation.team_notified_at.is_(None))
                .values(team_notified_at=workflow.clock())
            )) == 1
            session.commit()
            if not marked:
                continue
            first = session.execute(select(Escalation.ticket_code, Escalation.commune_code).where(
                Escalation.cluster_id == row.cluster_id, Escalation.id < row.id).order_by(Escalation.id)).first()
            joined = (first[0], first[1]) if first is not None and row.answer is None else None  # reopened: alone
            delivery = team_notice(workflow, row, joined) if row.status in WAITING else None
            if delivery is None:
                continue
            try:
                notifier.deliver(delivery)
                sent.append(delivery)
            except Exception as error:
                log.warning("team notice for %s failed (%s); will retry", row.ticket_code, type(error).__name__)
                session.execute(update(Escalation).where(Escalation.id == row.id).values(team_notified_at=None))
                session.commit()
    return sent
