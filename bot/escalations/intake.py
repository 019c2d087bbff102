"""Accepting a citizen's escalation (database, or the durable outbox when it is down) and reporting its status."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, make_url, or_, select
from sqlalchemy.orm import Session

from bot.db import DATABASE_UNREACHABLE_ERRORS
from bot.escalations.dedup import DedupRule, dedup_rule, question_vector
from bot.escalations.outbox import Outbox
from bot.escalations.persist import PendingEscalation, store_escalation
from bot.escalations.states import OPEN
from bot.escalations.ticket_codes import find_ticket_code, new_ticket_code
from bot.limits import CITIZEN_TICKETS_LISTED, ESCALATION_TRANSCRIPT_TURNS, STORED_QUESTION_CHARS
from bot.models import Escalation, utcnow
from bot.phone import normalize_mobile
from bot.province import load_province
from bot.retrieval.embedders import Embedder
from bot.sender_ids import Channel, is_channel
from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EscalationRequest:
    """What the conversation collected before passing a question to the commune's team."""

    channel: Channel
    chat_id: str
    question: str
    transcript: Sequence[tuple[str, str]]
    """(speaker "citizen" | "bot", text), the last few turns."""
    commune_code: str
    phone: str | None
    consent: bool
    """Consent to be contacted; without it no phone number is kept."""
    topic: str | None


@dataclass(frozen=True)
class EscalationStatusView:
    """What a citizen may learn about their ticket."""

    ticket_code: str
    status: str
    commune_code: str
    commune_name: str
    created_at: datetime
    answer: str | None
    answered_at: datetime | None


def _validated(request: EscalationRequest, settings: Settings) -> tuple[str, list[list[str]], str | None]:
    """(question, transcript, phone) cleaned; ValueError with the reason when the request is unusable."""
    if not is_channel(request.channel):
        raise ValueError(f"unknown channel {request.channel!r}")
    if not request.chat_id:
        raise ValueError("chat_id is empty")
    question = request.question.strip()[:STORED_QUESTION_CHARS]
    if not question:
        raise ValueError("the question is empty")
    if load_province(settings.communes_file).commune(request.commune_code) is None:
        raise ValueError(f"unknown commune code {request.commune_code!r}")
    transcript = [[str(speaker), str(text)[:STORED_QUESTION_CHARS]] for speaker, text in request.transcript]
    phone = normalize_mobile(request.phone) if request.phone and request.consent else None
    return question, transcript[-ESCALATION_TRANSCRIPT_TURNS:], phone


def outbox_for(settings: Settings) -> Outbox:
    """The durable outbox: `ESCALATION_OUTBOX_PATH`, else a file under var/ named after the database URL.

    One outbox per database, so that a process on another database (e.g. a test) never drains it.
    """
    if settings.escalation_outbox_path:
        return Outbox(settings.escalation_outbox_path)
    url = make_url(settings.database_url).render_as_string(hide_password=True)
    return Outbox(settings.var_dir / f"escalation-outbox-{hashlib.sha256(url.encode()).hexdigest()[:12]}.jsonl")


def _dedup_rule(settings: Settings) -> DedupRule:
    return dedup_rule(settings, load_province(settings.communes_file).communes)


def submit_escalation(
    request: EscalationRequest, *, engine: Engine, settings: Settings, embedder: Embedder | None = None
) -> str:
    """Store the escalation and return its ticket code ("TL-" + 5 characters).

    The code is returned only once the escalation is committed, or, when the database is unreachable,
    once it is fsync'ed to the durable outbox (written later by `replay_outbox`, exactly once).
    With an `embedder`, a question close in meaning to a waiting one joins its cluster (`bot.escalations.dedup`).
    Raises ValueError for an unusable request (unknown commune, empty question, unknown channel).
    """
    question, transcript, phone = _validated(request, settings)
    pending = PendingEscalation(
        request_id=str(uuid.uuid4()),
        ticket_code=new_ticket_code(),
        created_at=utcnow(),
        channel=request.channel,
        chat_id=str(request.chat_id),
        question=question,
        transcript=transcript,
        topic=request.topic,
        commune_code=request.commune_code,
        phone=phone,
        consent=request.consent,
        embedding=question_vector(embedder, question).tobytes() if embedder else None,
        embedding_model=embedder.name if embedder else None,
    )
    try:
        return store_escalation(engine, pending, _dedup_rule(settings))
    except DATABASE_UNREACHABLE_ERRORS:
        log.warning("database unreachable: escalation %s kept in the outbox", pending.ticket_code)
        outbox_for(settings).append(pending)
        return pending.ticket_code


def replay_outbox(engine: Engine, settings: Settings) -> int:
    """Write the escalations kept in the outbox to the database; return how many were written.

    Safe to call at any time from any process: each record is written once (keyed on its request id),
    and a database still down just leaves the records for the next call.
    """
    rule = _dedup_rule(settings)
    try:
        written = outbox_for(settings).replay(
            lambda pending: store_escalation(engine, pending, rule, from_outbox=True)
        )
    except DATABASE_UNREACHABLE_ERRORS:
        log.warning("database still unreachable: the outbox will be replayed later")
        return 0
    if written:
        log.info("replayed %d escalation(s) from the outbox", written)
    return written


def escalation_status(ticket_code: str, *, engine: Engine, settings: Settings) -> EscalationStatusView | None:
    """The status of a ticket (the code may be typed loosely, e.g. "tl 7f3k2"); None when unknown.

    A ticket still in the outbox (database down) is reported as open. Database errors other than
    the outbox case propagate.
    """
    code = find_ticket_code(ticket_code)
    if code is None:
        return None
    province = load_province(settings.communes_file)

    def commune_name(commune_code: str) -> str:
        commune = province.commune(commune_code)
        return commune.name if commune else commune_code

    outage: Exception | None = None
    try:
        with Session(engine) as session:
            row = session.scalars(
                select(Escalation)
                .where(or_(Escalation.ticket_code == code, Escalation.replaced_code == code))
                .order_by(Escalation.ticket_code != code)
            ).first()
    except DATABASE_UNREACHABLE_ERRORS as error:
        row, outage = None, error
    if row is not None:
        return EscalationStatusView(row.ticket_code, row.status, row.commune_code, commune_name(row.commune_code),
                                    row.created_at, row.answer, row.answered_at)
    queued = next((p for p in outbox_for(settings).pending() if p.ticket_code == code), None)
    if queued is not None:
        return EscalationStatusView(code, OPEN, queued.commune_code, commune_name(queued.commune_code),
                                    queued.created_at, None, None)
    if outage is not None:
        raise outage
    return None


def citizen_tickets(channel: str, chat_id: str, *, engine: Engine, settings: Settings,
                    limit: int = CITIZEN_TICKETS_LISTED) -> list[EscalationStatusView]:
    """The tickets of one citizen's chat, newest first (at most `limit`); the citizen's "phiếu của tôi"."""
    province = load_province(settings.communes_file)
    with Session(engine) as session:
        rows = session.scalars(select(Escalation).where(Escalation.channel == channel, Escalation.chat_id == chat_id)
                               .order_by(Escalation.id.desc()).limit(limit)).all()
    views = []
    for row in rows:
        commune = province.commune(row.commune_code)
        views.append(EscalationStatusView(row.ticket_code, row.status, row.commune_code,
                                          commune.name if commune else row.commune_code, row.created_at, row.answer,
                                          row.answered_at))
    return views
