"""The material of the FAQ-gap review: abstained questions, 👎-rated answers and escalations of a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.escalations.states import CANCELLED
from bot.models import Escalation, Feedback, GapReview, QuestionLog

GapKind = Literal["abstained", "disliked", "escalated"]
KIND_LABELS: dict[str, str] = {
    "abstained": "Trợ lý chưa trả lời được",
    "disliked": "Câu trả lời bị chấm 👎",
    "escalated": "Đã chuyển Tổ công nghệ số",
}
REASON_LABELS: dict[str, str] = {
    "not_covered": "Chưa có trong kho kiến thức",
    "ambiguous": "Chưa rõ ý (nhiều mục gần giống)",
    "procedure": "Thủ tục hành chính chưa có hướng dẫn",
    "disliked": "Câu trả lời bị chấm 👎",
    "escalated": "Đã chuyển Tổ công nghệ số",
}
"""Why a question is on the FAQ-gap list: an abstention's reason (as the question log keeps it), a 👎, a ticket."""


@dataclass(frozen=True)
class GapItem:
    """One question the assistant did not serve well, as the review sees it (no sender, no phone)."""

    key: str
    """"q:<question id>", "f:<feedback id>" or "e:<escalation id>": stable across page loads."""
    kind: GapKind
    text: str
    created_at: datetime
    commune_code: str | None = None
    entry_id: str | None = None
    """The entry whose answer was rated 👎."""
    ticket_code: str | None = None
    status: str | None = None
    answer: str | None = None
    """The team's answer to an escalation, once given."""
    answered_at: datetime | None = None
    reason: str = "not_covered"
    """A key of `REASON_LABELS`."""


def _abstention_reason(row: QuestionLog) -> str:
    reason = (row.scores or {}).get("reason")
    return reason if reason in REASON_LABELS else "not_covered"


def reviewed_keys(session: Session) -> set[str]:
    """Keys of the items already turned into drafts or dismissed."""
    return set(session.scalars(select(GapReview.item_key)))


def collect_items(engine: Engine, since: datetime, include_reviewed: bool = False) -> list[GapItem]:
    """Every gap item created from `since` on, oldest first; reviewed ones left out unless asked."""
    with Session(engine) as session:
        items = [GapItem(f"q:{row.id}", "abstained", row.text, row.created_at, reason=_abstention_reason(row))
                 for row in session.scalars(select(QuestionLog).where(
                     QuestionLog.decision == "abstain", QuestionLog.created_at >= since))]
        disliked = session.execute(
            select(Feedback, QuestionLog.text, Escalation.question, Escalation.commune_code)
            .outerjoin(QuestionLog, QuestionLog.id == Feedback.question_id)
            .outerjoin(Escalation, Escalation.ticket_code == Feedback.ticket_code)
            .where(Feedback.rating == "bad", Feedback.created_at >= since))
        for feedback, question, escalated, commune in disliked:
            text = question or escalated
            if text:
                items.append(GapItem(f"f:{feedback.id}", "disliked", text, feedback.created_at,
                                     commune_code=commune, entry_id=feedback.entry_id,
                                     ticket_code=feedback.ticket_code, reason="disliked"))
        items += [GapItem(f"e:{row.id}", "escalated", row.question, row.created_at, row.commune_code,
                          ticket_code=row.ticket_code, status=row.status, answer=row.answer,
                          answered_at=row.answered_at, reason="escalated")
                  for row in session.scalars(select(Escalation).where(
                      Escalation.created_at >= since, Escalation.status != CANCELLED))]
        hidden = set() if include_reviewed else reviewed_keys(session)
    return sorted((item for item in items if item.key not in hidden), key=lambda item: (item.created_at, item.key))
