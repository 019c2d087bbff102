"""Database tables (SQLAlchemy 2 typed models); the schema is created by the Alembic migrations in `bot/migrations`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Aware UTC for PostgreSQL, naive UTC for SQLite; naive input is taken as UTC."""
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Always aware, in UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every table, with deterministic constraint names (needed by SQLite batch migrations)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class Cluster(Base):
    """Escalations of one commune asking the same thing; answering the cluster answers all of them."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Escalation(Base):
    """A citizen's question passed to the community tech team of their commune."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_code: Mapped[str] = mapped_column(String(16), unique=True)
    request_id: Mapped[str] = mapped_column(String(36), unique=True)
    """Idempotency key chosen at submission: the outbox replay writes each request once."""
    replaced_code: Mapped[str | None] = mapped_column(String(16), index=True)
    """The code first given to the citizen, when an outbox replay found it taken (very rare)."""
    source: Mapped[str] = mapped_column(String(16), default="direct")
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    question: Mapped[str] = mapped_column(Text)
    transcript: Mapped[list[Any]] = mapped_column(default=list)
    topic: Mapped[str | None] = mapped_column(String(64))
    commune_code: Mapped[str] = mapped_column(String(16), index=True)
    phone_masked: Mapped[str | None] = mapped_column(String(16))
    consent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), index=True, default="open")
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), index=True)
    assignee: Mapped[str | None] = mapped_column(String(64))
    assignee_name: Mapped[str | None] = mapped_column(String(128))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    cancelled_by: Mapped[str | None] = mapped_column(String(64))
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    embedding_model: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    claimed_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    team_notified_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    overdue_at: Mapped[datetime | None]
    """When the escalation was reported overdue to the provincial ICT department."""


class EscalationContact(Base):
    """The full phone number of an escalation, kept apart: only the assigned team may read it (audited)."""

    __tablename__ = "escalation_contacts"

    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), primary_key=True)
    phone: Mapped[str] = mapped_column(String(16))


class OutboxReplay(Base):
    """One escalation written from the durable outbox file after a database outage."""

    __tablename__ = "outbox_replays"

    request_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_code: Mapped[str] = mapped_column(String(16))
    queued_at: Mapped[datetime]
    replayed_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuestionLog(Base):
    """Every question the assistant received, with its decision (material for the FAQ-gap review)."""

    __tablename__ = "question_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(64), index=True)
    """Keyed hash of the sender id: conversations can be grouped, people not identified."""
    text: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(16), index=True)
    entry_id: Mapped[str | None] = mapped_column(String(128), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    context_used: Mapped[bool] = mapped_column(default=False)


class Feedback(Base):
    """A 👍/👎 on an answer of the assistant or of a team."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question_log.id", ondelete="SET NULL"), index=True)
    entry_id: Mapped[str | None] = mapped_column(String(128), index=True)
    ticket_code: Mapped[str | None] = mapped_column(String(16), index=True)
    rating: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(64))


class WebInboxMessage(Base):
    """A message waiting for a web-widget session (e.g. a team's answer), fetched by polling."""

    __tablename__ = "web_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(String(128), index=True)
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    """Who did what to personal data (e.g. who saw a full phone number)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    ticket_code: Mapped[str | None] = mapped_column(String(16), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class User(Base):
    """A person who signs in to the dashboard: the provincial ICT department, a team member, or a viewer."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    """"ict_admin", "team_member" or "viewer"."""
    commune_code: Mapped[str | None] = mapped_column(String(16))
    """The commune of a team member (their escalations only)."""
    team_username: Mapped[str | None] = mapped_column(String(64))
    """A team member's username in the commune configuration (the escalation workflow acts as them)."""
    disabled: Mapped[bool] = mapped_column(default=False)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    """Bumped on disable or password change: every session signed with an older version ends."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """One sign-in attempt, kept to slow down password guessing (per username and per client address)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client_ip: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)


class KnowledgeRevision(Base):
    """A single row counting knowledge changes; each assistant process compares it with the one it has."""

    __tablename__ = "knowledge_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)


class KnowledgeChange(Base):
    """One change to the knowledge base made from the dashboard, with the entry as written to its file."""

    __tablename__ = "knowledge_changes"

    revision: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    """"create", "update" or "review"."""
    entry_id: Mapped[str] = mapped_column(String(128), index=True)
    file: Mapped[str] = mapped_column(String(256))
    entry: Mapped[dict[str, Any]] = mapped_column(default=dict)


class KnowledgeDraft(Base):
    """A proposed knowledge entry (from a cluster of gaps or an answered escalation), until approved or dismissed."""

    __tablename__ = "knowledge_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="draft")
    """"draft", "approved" or "dismissed"."""
    origin: Mapped[str] = mapped_column(String(16))
    """"cluster" or "escalation"."""
    entry_id: Mapped[str | None] = mapped_column(String(128))
    topic: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    alternates: Mapped[list[Any]] = mapped_column(default=list)
    answer: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str | None] = mapped_column(String(512))
    items: Mapped[list[Any]] = mapped_column(default=list)
    """Keys of the gap items the draft came from ("q:12", "f:3", "e:7")."""
    ticket_code: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    dismiss_reason: Mapped[str | None] = mapped_column(Text)


class GapReview(Base):
    """A gap item taken off the FAQ-gap list: turned into a draft, or dismissed with a reason."""

    __tablename__ = "gap_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_key: Mapped[str] = mapped_column(String(32), unique=True)
    """"q:<question id>", "f:<feedback id>" or "e:<escalation id>"."""
    status: Mapped[str] = mapped_column(String(16))
    """"drafted" or "dismissed"."""
    reason: Mapped[str | None] = mapped_column(Text)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("knowledge_drafts.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ZaloChat(Base):
    """What the Zalo channel keeps of one chat: the options it offered last, as numbers the citizen types back
    (Zalo has no buttons), and, for an Official Account's follower, the reply window opened by their last message."""

    __tablename__ = "zalo_chats"

    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """The Zalo chat id (`oa-<user id>` for an Official Account's follower)."""
    options: Mapped[list[Any]] = mapped_column(default=list)
    """The options offered last, numbered from 1: `[{"title", "payload"}]`."""
    options_at: Mapped[datetime | None]
    last_inbound_at: Mapped[datetime | None]
    """When the follower last wrote to the Official Account (opens its reply window)."""
    replies_in_window: Mapped[int] = mapped_column(Integer, default=0)
    """Messages sent to the follower since then."""


class ZaloOaToken(Base):
    """The Zalo Official Account's OAuth tokens: the access token and the single-use refresh token that replaces
    both (one row, shared by every process that writes to followers)."""

    __tablename__ = "zalo_oa_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    access_token: Mapped[str] = mapped_column(Text, default="")
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None]
    seed: Mapped[str] = mapped_column(String(64))
    """Hash of the `ZALO_OA_REFRESH_TOKEN` the row started from: a new one configured replaces the row."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobLease(Base):
    """Who runs a job that must run in one process only (the team loop and its SLA checks), until when: taken when
    free or expired, renewed by its holder at every round (`bot.leases`)."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    """`host:pid:random` of the process holding the lease."""
    expires_at: Mapped[datetime]
