"""The community tech team's workflow over escalations: claim, answer (a whole cluster), close, cancel.

Every transition is a conditional UPDATE on the expected status, so concurrent actions on one ticket
have exactly one winner, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from bot.db import rows_affected
from bot.delivery import Delivery
from bot.escalations import texts
from bot.escalations.states import (
    ANSWERED,
    CANCELLED,
    CLAIMED,
    CLOSED,
    OPEN,
    WAITING,
    InvalidTransition,
    check_transition,
)
from bot.messages import Message
from bot.models import AuditLog, Cluster, Escalation, EscalationContact, utcnow
from bot.province import Commune, Province, TeamMember, load_province
from bot.settings import Settings


class WorkflowError(Exception):
    """An action the workflow refuses; the message says why."""


class UnknownTicket(WorkflowError):
    """No escalation has this ticket code."""


class NotTeamMember(WorkflowError):
    """The person is not a member of the team in charge of the escalation."""


@dataclass(frozen=True)
class TicketView:
    """An escalation as the team sees it (the phone number masked)."""

    ticket_code: str
    status: str
    commune_code: str
    channel: str
    question: str
    transcript: list
    topic: str | None
    phone_masked: str | None
    cluster_id: int
    assignee: str | None
    assignee_name: str | None
    answer: str | None
    created_at: datetime
    claimed_at: datetime | None
    answered_at: datetime | None

    @classmethod
    def of(cls, row: Escalation) -> TicketView:
        """The view of a database row."""
        return cls(row.ticket_code, row.status, row.commune_code, row.channel, row.question, list(row.transcript),
                   row.topic, row.phone_masked, row.cluster_id, row.assignee, row.assignee_name, row.answer,
                   row.created_at, row.claimed_at, row.answered_at)


@dataclass(frozen=True)
class ClaimOutcome:
    """The result of a claim: `won` is False when someone else (`assignee`) got there first."""

    won: bool
    ticket_code: str
    assignee: str | None
    assignee_name: str | None
    claimed: list[str]
    """Tickets this claim moved to `claimed` (the ticket and the open ones of its cluster)."""


@dataclass(frozen=True)
class AnswerOutcome:
    """The tickets an answer moved to `answered`, and the messages to send to their citizens."""

    answered: list[str]
    deliveries: list[Delivery]


class Workflow:
    """The team-side actions on escalations, for one database and province configuration."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        province: Province | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        """`province` defaults to the one of `settings.communes_file`."""
        self.settings = settings
        self.engine = engine
        self.province = province or load_province(settings.communes_file)
        self.clock = clock

    # -- lookups ---------------------------------------------------------------------------------------
    def commune(self, code: str) -> Commune:
        """The configured commune with this code; WorkflowError when it is not configured (any more)."""
        commune = self.province.commune(code)
        if commune is None:
            raise WorkflowError(f"commune {code!r} is not configured")
        return commune

    def _session(self) -> Session:
        """A session whose loaded rows stay readable after commit (transitions re-check status in SQL)."""
        return Session(self.engine, expire_on_commit=False)

    def _row(self, session: Session, ticket_code: str) -> Escalation:
        row = session.scalar(select(Escalation).where(Escalation.ticket_code == ticket_code))
        if row is None:
            raise UnknownTicket(f"no escalation {ticket_code}")
        return row

    def _member(self, commune_code: str, username: str) -> TeamMember:
        member = self.commune(commune_code).team.member(username)
        if member is None:
            raise NotTeamMember(f"{username} is not in the team of {commune_code}")
        return member

    def get(self, ticket_code: str) -> TicketView:
        """The ticket as the team sees it; UnknownTicket when there is none."""
        with self._session() as session:
            return TicketView.of(self._row(session, ticket_code))

    def queue(self, commune_code: str, statuses: tuple[str, ...] = WAITING) -> list[TicketView]:
        """The commune's tickets in `statuses`, oldest first (the team's work queue)."""
        with self._session() as session:
            rows = session.scalars(
                select(Escalation)
                .where(Escalation.commune_code == commune_code, Escalation.status.in_(statuses))
                .order_by(Escalation.created_at, Escalation.id)
            ).all()
            return [TicketView.of(r) for r in rows]

    def tickets(self, commune_code: str | None = None, status: str | None = None,
                limit: int = 200) -> list[TicketView]:
        """The province's tickets, newest first (at most `limit`), of one commune and one status when given."""
        query = select(Escalation).order_by(Escalation.created_at.desc(), Escalation.id.desc()).limit(limit)
        if commune_code:
            query = query.where(Escalation.commune_code == commune_code)
        if status:
            query = query.where(Escalation.status == status)
        with self._session() as session:
            return [TicketView.of(row) for row in session.scalars(query)]

    def contact_phone(self, ticket_code: str, username: str) -> str | None:
        """The full phone number, for a member of the ticket's team only; every reading is audited."""
        with self._session() as session:
            row = self._row(session, ticket_code)
            self._member(row.commune_code, username)
            phone = session.scalar(select(EscalationContact.phone).where(EscalationContact.escalation_id == row.id))
            session.add(AuditLog(actor=username, action="view_phone", ticket_code=ticket_code,
                                 detail={"found": phone is not None}, created_at=self.clock()))
            session.commit()
            return phone

    # -- transitions -----------------------------------------------------------------------------------
    def claim(self, ticket_code: str, username: str) -> ClaimOutcome:
        """Take the ticket (and the still open tickets of its cluster); exactly one of concurrent claims wins."""
        with self._session() as session:
            row = self._row(session, ticket_code)
            member = self._member(row.commune_code, username)
            if row.status != CLAIMED:
                check_transition(ticket_code, row.status, CLAIMED)
            values = {"status": CLAIMED, "assignee": member.username, "assignee_name": member.display_name,
                      "claimed_at": self.clock()}
            won = rows_affected(session.execute(
                update(Escalation).where(Escalation.id == row.id, Escalation.status == OPEN).values(**values)
            )) == 1
            claimed: list[str] = []
            if won:
                claimed.append(ticket_code)
                siblings = session.execute(select(Escalation.id, Escalation.ticket_code).where(
                    Escalation.cluster_id == row.cluster_id, Escalation.status == OPEN, Escalation.id != row.id)).all()
                claimed += [code for sibling, code in siblings if rows_affected(session.execute(
                    update(Escalation).where(Escalation.id == sibling, Escalation.status == OPEN).values(**values)
                )) == 1]
            session.commit()
            session.refresh(row)
            if not won and row.status != CLAIMED:
                check_transition(ticket_code, row.status, CLAIMED)
            return ClaimOutcome(won, ticket_code, row.assignee, row.assignee_name, claimed)

    def release(self, ticket_code: str, username: str) -> None:
        """Give a claimed ticket back to the team (only its assignee may)."""
        with self._session() as session:
            row = self._row(session, ticket_code)
            self._member(row.commune_code, username)
            check_transition(ticket_code, row.status, OPEN)
            if (row.assignee or "").lower() != username.lstrip("@").lower():
                raise WorkflowError(f"{ticket_code} is claimed by someone else")
            self._move(session, row, CLAIMED, OPEN, assignee=None, assignee_name=None, claimed_at=None)

    def answer(self, target: str | int, username: str, text: str) -> AnswerOutcome:
        """Answer a ticket's cluster (`target` = ticket code) or a cluster (`target` = cluster id).

        Every waiting ticket of the cluster becomes `answered`; the outcome lists the messages to send to
        their citizens. InvalidTransition when the target ticket no longer waits for an answer.
        """
        text = text.strip()
        if not text:
            raise ValueError("the answer is empty")
        with self._session() as session:
            if isinstance(target, str):
                row = self._row(session, target)
                if row.status not in WAITING:
                    check_transition(target, row.status, ANSWERED)
                cluster_id, commune_code = row.cluster_id, row.commune_code
            else:
                cluster = session.get(Cluster, target)
                if cluster is None:
                    raise WorkflowError(f"no cluster {target}")
                cluster_id, commune_code = cluster.id, cluster.commune_code
            member = self._member(commune_code, username)
            now = self.clock()
            waiting = session.scalars(select(Escalation).where(
                Escalation.cluster_id == cluster_id, Escalation.status.in_(WAITING)).order_by(Escalation.id)).all()
            moved = [r for r in waiting if rows_affected(session.execute(
                update(Escalation).where(Escalation.id == r.id, Escalation.status.in_(WAITING)).values(
                    status=ANSWERED, answer=text, answered_by=member.username, answered_at=now,
                    assignee=func.coalesce(Escalation.assignee, member.username),
                    assignee_name=func.coalesce(Escalation.assignee_name, member.display_name),
                ))) == 1]
            session.commit()
        if isinstance(target, str) and target not in {r.ticket_code for r in moved}:
            raise InvalidTransition(target, self.get(target).status, ANSWERED)
        commune_name = self.commune(commune_code).name
        deliveries = [
            Delivery(r.channel, r.chat_id, Message(texts.citizen_answer(r.ticket_code, commune_name, text),
                                                   texts.rating_buttons(r.ticket_code)), r.ticket_code)
            for r in moved
        ]
        return AnswerOutcome([r.ticket_code for r in moved], deliveries)

    def close(self, ticket_code: str, username: str) -> None:
        """Close an answered ticket (a member of its team)."""
        with self._session() as session:
            row = self._row(session, ticket_code)
            self._member(row.commune_code, username)
            check_transition(ticket_code, row.status, CLOSED)
            self._move(session, row, ANSWERED, CLOSED, closed_at=self.clock())

    def cancel(self, ticket_code: str, actor: str) -> None:
        """Cancel a waiting ticket: `actor` is a team member's username or the citizen's "<channel>:<chat id>"."""
        with self._session() as session:
            row = self._row(session, ticket_code)
            if actor != f"{row.channel}:{row.chat_id}":
                self._member(row.commune_code, actor)
            check_transition(ticket_code, row.status, CANCELLED)
            self._move(session, row, row.status, CANCELLED, cancelled_at=self.clock(), cancelled_by=actor[:64])

    def reopen(self, ticket_code: str, channel: str, chat_id: str) -> None:
        """The citizen of an answered (or closed) ticket reopens it: it waits in its team's queue again, unclaimed,
        and its team is notified again (the previous answer stays on the ticket until the next one replaces it).

        UnknownTicket for another citizen's ticket; InvalidTransition when it is not answered or closed."""
        with self._session() as session:
            row = self._row(session, ticket_code)
            if (row.channel, row.chat_id) != (channel, chat_id):
                raise UnknownTicket(f"{ticket_code} is not a ticket of {channel}:{chat_id}")
            check_transition(ticket_code, row.status, OPEN)
            self._move(session, row, row.status, OPEN, assignee=None, assignee_name=None, claimed_at=None,
                       answered_at=None, closed_at=None, team_notified_at=None)

    def _move(self, session: Session, row: Escalation, current: str, wanted: str, **values: object) -> None:
        """Conditional UPDATE current → wanted; if another action changed the ticket meanwhile, say so."""
        moved = rows_affected(session.execute(
            update(Escalation).where(Escalation.id == row.id, Escalation.status == current)
            .values(status=wanted, **values))) == 1
        session.commit()
        if not moved:
            session.refresh(row)
            check_transition(row.ticket_code, row.status, wanted)
            raise WorkflowError(f"{row.ticket_code} changed meanwhile; try again")
