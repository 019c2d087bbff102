"""Writing one escalation to the database: cluster assignment, contact kept apart, unique ticket code."""

from __future__ import annotations

import base64
import logging
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.escalations.dedup import DedupRule, find_similar
from bot.escalations.states import CLAIMED, OPEN
from bot.escalations.ticket_codes import new_ticket_code
from bot.models import Cluster, Escalation, EscalationContact, OutboxReplay, utcnow
from bot.phone import mask_phone

log = logging.getLogger(__name__)
CODE_ATTEMPTS = 8


@dataclass(frozen=True)
class PendingEscalation:
    """An accepted escalation not yet in the database: what the outbox file keeps, one JSON line each."""

    request_id: str
    ticket_code: str
    created_at: datetime
    channel: str
    chat_id: str
    question: str
    transcript: list[list[str]]
    topic: str | None
    commune_code: str
    phone: str | None
    consent: bool
    embedding: bytes | None = None
    embedding_model: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (timestamps ISO 8601, embedding base64)."""
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["embedding"] = base64.b64encode(self.embedding).decode() if self.embedding else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PendingEscalation:
        """The inverse of `to_json`."""
        values = dict(data)
        values["created_at"] = datetime.fromisoformat(values["created_at"])
        values["embedding"] = base64.b64decode(values["embedding"]) if values.get("embedding") else None
        return cls(**values)


def _existing_code(session: Session, request_id: str) -> str | None:
    return session.scalar(select(Escalation.ticket_code).where(Escalation.request_id == request_id))


def _insert(session: Session, pending: PendingEscalation, rule: DedupRule, source: str, replaced: str | None) -> None:
    similar = None
    if pending.embedding is not None and pending.embedding_model:
        vector = np.frombuffer(pending.embedding, dtype=np.float32)
        similar = find_similar(session, pending.commune_code, pending.question, vector, pending.embedding_model, rule)
    if similar is None:
        cluster = Cluster(commune_code=pending.commune_code, created_at=pending.created_at)
        session.add(cluster)
        session.flush()
        cluster_id = cluster.id
    else:
        cluster_id = similar.cluster_id
    claimed_by = similar if similar is not None and similar.status == CLAIMED else None
    """The waiting escalation whose claim the new one inherits, if any."""
    escalation = Escalation(
        ticket_code=pending.ticket_code,
        request_id=pending.request_id,
        replaced_code=replaced,
        source=source,
        channel=pending.channel,
        chat_id=pending.chat_id,
        question=pending.question,
        transcript=pending.transcript,
        topic=pending.topic,
        commune_code=pending.commune_code,
        phone_masked=mask_phone(pending.phone) if pending.phone else None,
        consent=pending.consent,
        status=CLAIMED if claimed_by else OPEN,
        cluster_id=cluster_id,
        assignee=claimed_by.assignee if claimed_by else None,
        assignee_name=claimed_by.assignee_name if claimed_by else None,
        claimed_at=utcnow() if claimed_by else None,
        embedding=pending.embedding,
        embedding_model=pending.embedding_model,
        created_at=pending.created_at,
    )
    session.add(escalation)
    session.flush()
    if pending.phone:
        session.add(EscalationContact(escalation_id=escalation.id, phone=pending.phone))
    if source == "outbox":
        session.add(
            OutboxReplay(request_id=pending.request_id, ticket_code=pending.ticket_code, queued_at=pending.created_at)
        )


def store_escalation(engine: Engine, pending: PendingEscalation, rule: DedupRule, from_outbox: bool = False) -> str:
    """Commit `pending` once and return its ticket code.

    Idempotent on `request_id`: storing the same request again returns the code stored the first time.
    A taken ticket code is replaced by a fresh one; for an outbox record (whose code the citizen already
    has) the original code is kept in `replaced_code`, so status queries with it still work.
    """
    candidate = pending
    for _ in range(CODE_ATTEMPTS):
        with Session(engine) as session:
            existing = _existing_code(session, pending.request_id)
            if existing:
                return existing
            if session.scalar(select(Escalation.id).where(Escalation.ticket_code == candidate.ticket_code)):
                if from_outbox and candidate is pending:
                    log.warning("the ticket code of a replayed escalation was taken; it gets a new code")
                candidate = replace(pending, ticket_code=new_ticket_code())
                continue
            replaced = pending.ticket_code if candidate is not pending and from_outbox else None
            try:
                _insert(session, candidate, rule, "outbox" if from_outbox else "direct", replaced)
                session.commit()
                return candidate.ticket_code
            except IntegrityError:
                session.rollback()
    raise RuntimeError("could not find a free ticket code")
