"""Draft knowledge entries: made from a cluster of gaps or an answered escalation, edited, approved or dismissed.

The gap items a draft comes from leave the gap list at once (a `GapReview` each), so two people do not
draft the same need twice; dismissing (a cluster or a draft) records the reason.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.escalations.states import ANSWERED, CLOSED
from bot.gaps.local_phrases import general_answer
from bot.gaps.report import GapCluster
from bot.knowledge.editing import SaveResult, save_entry
from bot.knowledge.schema import PROGRAMME_TOPICS, TOPIC_FILES, KnowledgeEntry
from bot.knowledge.store import Problem
from bot.masking import mask_text
from bot.models import AuditLog, Escalation, GapReview, KnowledgeDraft, utcnow
from bot.settings import Settings
from bot.text import collapse_spaces, fold, strip_diacritics

MAX_ALTERNATES = 10
ID_PREFIXES = {"public_services": "dvc", "cashless_payment": "tt", "health_insurance": "bhyt",
               "ocop_ecommerce": "ocop", "digital_skills": "kns"}
_FILLER = frozenset({"a", "ah", "vay", "the", "nao", "lam", "sao", "duoc", "khong", "ko", "k", "dc", "co", "la",
                     "gi", "o", "dau", "nhe", "nha", "cho", "toi", "minh", "em", "chau", "xin", "hoi", "muon",
                     "thi", "phai", "can"})
"""Words left out of generated entry ids (question words and politeness)."""


class DraftError(ValueError):
    """A draft action that cannot be done; the message says why (in Vietnamese)."""


@dataclass(frozen=True)
class DraftFields:
    """What the reviewer edits on a draft."""

    topic: str
    question: str
    alternates: list[str]
    answer: str
    source_url: str | None


def tidy_question(text: str) -> str:
    """A question as an entry shows it: one line, first letter upper case, ending with "?"."""
    text = collapse_spaces(text).rstrip(" .!")
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith("?") else text + "?"


def distinct_alternates(question: str, candidates: list[str], limit: int = MAX_ALTERNATES) -> list[str]:
    """Candidates with the question's and each other's repeats (ignoring case, diacritics, punctuation) removed."""
    seen = {fold(question)}
    kept = []
    for candidate in candidates:
        candidate = collapse_spaces(candidate)
        if candidate and fold(candidate) not in seen:
            seen.add(fold(candidate))
            kept.append(candidate)
    return kept[:limit]


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def new_entry_id(topic: str, question: str, taken: set[str]) -> str:
    """A readable id such as "dvc-cap-doi-so-do-online", unique among `taken`."""
    words = [w for w in fold(question).split() if w not in _FILLER] or fold(question).split()
    base = "-".join([ID_PREFIXES.get(topic, topic.replace("_", "-")), *words[:6]])[:70].strip("-")
    base = re.sub(r"[^a-z0-9-]", "", base)
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _claim_items(session: Session, keys: list[str], status: str, actor: str, draft_id: int | None,
                 reason: str | None) -> None:
    """Take `keys` off the gap list; DraftError when another reviewer took one first."""
    for key in keys:
        session.add(GapReview(item_key=key, status=status, reason=reason, draft_id=draft_id, actor=actor))
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise DraftError("Một số câu hỏi trong nhóm này vừa được người khác xử lý; mời tải lại trang.") from error


def usable_wordings(texts: list[str]) -> list[str]:
    """Wordings that may go into the knowledge base: those without personal data (phone numbers, e-mails)."""
    return [text for text in texts if mask_text(text) == text]


def draft_from_cluster(engine: Engine, cluster: GapCluster, actor: str) -> int:
    """Create a draft from a cluster: its most asked wording (with diacritics if any has them) as the question,
    the others as alternates, the team's answer (if an escalation of the cluster was answered) as the answer,
    without its greeting and the team's schedule. Wordings with personal data are left out. Returns the draft id."""
    wordings = usable_wordings([t.text for t in cluster.texts]) or [mask_text(cluster.texts[0].text)]
    first = next((text for text in wordings if strip_diacritics(text) != text), wordings[0])
    question = tidy_question(first)
    team = cluster.team_answer
    topic = cluster.nearest_entry.topic if cluster.nearest_entry else next(iter(PROGRAMME_TOPICS))
    with Session(engine) as session:
        draft = KnowledgeDraft(origin="cluster", topic=topic, question=question,
                               alternates=distinct_alternates(question, wordings),
                               answer=general_answer(team.answer).text if team and team.answer else "",
                               ticket_code=team.ticket_code if team else None,
                               items=[item.key for item in cluster.items], created_by=actor)
        session.add(draft)
        session.flush()
        _claim_items(session, draft.items, "drafted", actor, draft.id, None)
        session.commit()
        return draft.id


def draft_from_escalation(engine: Engine, ticket_code: str, actor: str) -> int:
    """Create a draft from an answered escalation: its question, the questions merged with it as alternates,
    the team's answer without its greeting and the team's schedule as the answer. DraftError when the ticket has
    no answer yet."""
    with Session(engine) as session:
        row = session.scalar(select(Escalation).where(Escalation.ticket_code == ticket_code))
        if row is None or row.status not in (ANSWERED, CLOSED) or not row.answer:
            raise DraftError("Chỉ tạo được bản nháp từ phiếu đã có câu trả lời của Tổ.")
        siblings = session.scalars(select(Escalation).where(Escalation.cluster_id == row.cluster_id)
                                   .order_by(Escalation.id)).all()
        question = tidy_question(mask_text(row.question))
        keys = [f"e:{s.id}" for s in siblings]
        taken = set(session.scalars(select(GapReview.item_key).where(GapReview.item_key.in_(keys))))
        alternates = distinct_alternates(question, usable_wordings([s.question for s in siblings]))
        draft = KnowledgeDraft(origin="escalation", topic=_topic_of(row.topic), question=question,
                               alternates=alternates, answer=general_answer(row.answer).text,
                               ticket_code=row.ticket_code, items=keys,
                               created_by=actor)
        session.add(draft)
        session.flush()
        _claim_items(session, [k for k in keys if k not in taken], "drafted", actor, draft.id, None)
        session.commit()
        return draft.id


def _topic_of(guess: str | None) -> str:
    """A programme topic from an escalation's topic guess (which may use a file-like name)."""
    if guess in PROGRAMME_TOPICS:
        return guess
    return TOPIC_FILES.get(f"{guess}.yml", next(iter(PROGRAMME_TOPICS)))


def dismiss_items(engine: Engine, keys: list[str], reason: str, actor: str) -> None:
    """Take gap items off the list with a reason (e.g. "câu hỏi ngoài phạm vi")."""
    reason = collapse_spaces(reason)
    if not reason:
        raise DraftError("Cần ghi lý do bỏ qua.")
    with Session(engine) as session:
        _claim_items(session, keys, "dismissed", actor, None, reason[:500])
        session.add(AuditLog(actor=actor, action="gap_dismiss", detail={"items": len(keys), "reason": reason[:500]}))
        session.commit()


def get_draft(engine: Engine, draft_id: int) -> KnowledgeDraft | None:
    """The draft with this id, if any."""
    with Session(engine, expire_on_commit=False) as session:
        return session.get(KnowledgeDraft, draft_id)


def list_drafts(engine: Engine, status: str = "draft") -> list[KnowledgeDraft]:
    """Drafts in `status`, newest first."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(KnowledgeDraft).where(KnowledgeDraft.status == status)
                                    .order_by(KnowledgeDraft.id.desc())))


def _open_draft(session: Session, draft_id: int) -> KnowledgeDraft:
    draft = session.get(KnowledgeDraft, draft_id)
    if draft is None:
        raise DraftError("Không tìm thấy bản nháp.")
    if draft.status != "draft":
        raise DraftError("Bản nháp này đã được duyệt hoặc đã bỏ qua.")
    return draft


def update_draft(engine: Engine, draft_id: int, fields: DraftFields) -> None:
    """Save the reviewer's edits."""
    with Session(engine) as session:
        draft = _open_draft(session, draft_id)
        draft.topic, draft.question, draft.alternates = fields.topic, fields.question, fields.alternates
        draft.answer, draft.source_url, draft.updated_at = fields.answer, fields.source_url, utcnow()
        session.commit()


def dismiss_draft(engine: Engine, draft_id: int, reason: str, actor: str) -> None:
    """Drop a draft with a reason; its gap items stay off the list, marked dismissed with that reason."""
    reason = collapse_spaces(reason)
    if not reason:
        raise DraftError("Cần ghi lý do bỏ qua.")
    with Session(engine) as session:
        draft = _open_draft(session, draft_id)
        draft.status, draft.dismiss_reason = "dismissed", reason[:500]
        draft.decided_by, draft.decided_at = actor, utcnow()
        for review in session.scalars(select(GapReview).where(GapReview.draft_id == draft_id)):
            review.status, review.reason = "dismissed", reason[:500]
        session.add(AuditLog(actor=actor, action="draft_dismiss",
                             detail={"draft_id": draft_id, "reason": reason[:500]}))
        session.commit()


def entry_from_fields(fields: DraftFields, entry_id: str, today: date, review_months: int) -> KnowledgeEntry:
    """The curated entry a draft becomes, reviewed today; DraftError listing what the schema refuses."""
    try:
        return KnowledgeEntry(id=entry_id, topic=fields.topic, question=fields.question,
                              alternates=fields.alternates, answer=fields.answer, source_url=fields.source_url,
                              reviewed_on=today, review_by=add_months(today, review_months))
    except ValidationError as error:
        raise DraftError("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())) from error


def approve_draft(engine: Engine, settings: Settings, draft_id: int, fields: DraftFields, actor: str,
                  taken_ids: set[str], today: date | None = None) -> SaveResult:
    """Save the edits, write the entry to its knowledge file and publish it live; the draft becomes approved.

    Nothing is written when validation fails: the result lists the errors.
    """
    today = today or date.today()
    update_draft(engine, draft_id, fields)
    draft = get_draft(engine, draft_id)
    assert draft is not None
    entry_id = draft.entry_id or new_entry_id(fields.topic, fields.question, taken_ids)
    try:
        entry = entry_from_fields(fields, entry_id, today, settings.knowledge_review_months)
    except DraftError as error:
        return SaveResult(False, errors=[Problem("error", "", str(error), entry_id)])
    result = save_entry(entry, actor=actor, action="create", engine=engine, settings=settings, today=today)
    if result.saved:
        _decide(engine, draft_id, entry_id, actor)
    return result


def _decide(engine: Engine, draft_id: int, entry_id: str, actor: str) -> None:
    """Mark the draft approved as `entry_id`, and its gap items with it."""
    with Session(engine) as session:
        row = _open_draft(session, draft_id)
        row.status, row.entry_id, row.decided_by, row.decided_at = "approved", entry_id, actor, utcnow()
        for review in session.scalars(select(GapReview).where(GapReview.draft_id == draft_id)):
            review.status = "approved"
        session.commit()


def merge_into_entry(engine: Engine, settings: Settings, draft_id: int, fields: DraftFields, target: KnowledgeEntry,
                     actor: str, today: date | None = None) -> SaveResult:
    """Add the draft's question and alternates to `target` as alternates (its answer stays), write and publish
    it; the draft becomes approved as that entry. Nothing is written when validation fails."""
    update_draft(engine, draft_id, fields)
    wordings = [*target.alternates, fields.question, *fields.alternates]
    alternates = distinct_alternates(target.question, wordings, limit=len(wordings))
    entry = target.model_copy(update={"alternates": alternates})
    result = save_entry(entry, actor=actor, action="update", engine=engine, settings=settings, today=today)
    if result.saved:
        _decide(engine, draft_id, target.id, actor)
    return result
