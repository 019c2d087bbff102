"""Draft entries: list, edit, approve (written to the knowledge file and live in the assistant) or dismiss."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from bot.gaps.drafts import (
    DraftError,
    DraftFields,
    approve_draft,
    dismiss_draft,
    draft_from_escalation,
    get_draft,
    list_drafts,
    merge_into_entry,
    update_draft,
)
from bot.gaps.local_phrases import general_answer
from bot.gaps.nearest import NearEntry
from bot.knowledge.schema import PROGRAMME_TOPICS
from bot.limits import KNOWLEDGE_ANSWER_CHARS, KNOWLEDGE_QUESTION_CHARS
from bot.models import KnowledgeDraft
from bot.web.dashboard.deps import DashboardServices, Services
from bot.web.dashboard.problems import describe
from bot.web.dashboard.render import flash, redirect, render
from bot.web.dashboard.security import PREFIX, Admin, DashboardError, check_csrf

router = APIRouter(prefix=PREFIX)


def form_fields(topic: str, question: str, alternates: str, answer: str, source_url: str) -> DraftFields:
    """The edited fields, tidied (one alternate per line, Windows line ends removed)."""
    if topic not in PROGRAMME_TOPICS:
        raise DashboardError(400, "Chủ đề không hợp lệ.")
    lines = [" ".join(line.split()) for line in alternates.replace("\r", "").split("\n")]
    answer = "\n".join(line.rstrip() for line in answer.replace("\r", "").strip().split("\n"))
    return DraftFields(topic=topic, question=" ".join(question.split())[:KNOWLEDGE_QUESTION_CHARS],
                       alternates=[line for line in lines if line], answer=answer[:KNOWLEDGE_ANSWER_CHARS],
                       source_url=source_url.strip() or None)


def _draft(services: DashboardServices, draft_id: int) -> KnowledgeDraft:
    draft = get_draft(services.engine, draft_id)
    if draft is None:
        raise DashboardError(404, "Không tìm thấy bản nháp.")
    return draft


def near_duplicate(services: DashboardServices, question: str, alternates: list[str]) -> NearEntry | None:
    """The existing entry a draft's wordings are closest to, when at least `DRAFT_DUPLICATE_THRESHOLD` close."""
    best = services.gaps.nearest([question, *alternates], 1)
    return best[0] if best and best[0].score >= services.settings.draft_duplicate_threshold else None


def _local(answer: str) -> list[str]:
    """What the answer still says to one citizen: a greeting, wishes, the team's schedule, a day or an hour."""
    general = general_answer(answer)
    return [*general.removed, *general.flagged]


def _page(request: Request, services: DashboardServices, draft: KnowledgeDraft, errors: list[str] | None = None,
          warnings: list[str] | None = None, status: int = 200) -> Response:
    duplicate = near_duplicate(services, draft.question, list(draft.alternates)) if draft.status == "draft" else None
    return render(request, "dashboard/draft.html", {
        "draft": draft, "errors": errors or [], "warnings": warnings or [], "duplicate": duplicate,
        "flagged": _local(draft.answer)}, status=status, page="drafts")


@router.get("/drafts", response_class=HTMLResponse, include_in_schema=False)
def drafts(request: Request, user: Admin, services: Services) -> Response:
    """Open drafts, and the last decided ones."""
    engine = services.engine
    return render(request, "dashboard/drafts.html", {
        "open": list_drafts(engine, "draft"), "approved": list_drafts(engine, "approved")[:20],
        "dismissed": list_drafts(engine, "dismissed")[:20]}, page="drafts")


@router.get("/drafts/{draft_id}", response_class=HTMLResponse, include_in_schema=False)
def draft_page(request: Request, draft_id: int, user: Admin, services: Services) -> Response:
    """The edit form of a draft."""
    return _page(request, services, _draft(services, draft_id))


@router.post("/drafts/{draft_id}", include_in_schema=False, dependencies=[Depends(check_csrf)])
def save_or_approve(request: Request, draft_id: int, user: Admin, services: Services, action: str = Form("save"),
                    topic: str = Form(""), question: str = Form(""), alternates: str = Form(""),
                    answer: str = Form(""), source_url: str = Form(""), merge_into: str = Form("")) -> Response:
    """Save the edits; approve: write the entry to its knowledge file and publish it to the assistants; or merge:
    add the draft's wordings to an existing entry as alternates.

    `approve` is refused while the draft is a near-duplicate of an entry (`DRAFT_DUPLICATE_THRESHOLD`): the page
    then offers merging into that entry, or `approve_new` to publish it as a new entry all the same.
    """
    fields = form_fields(topic, question, alternates, answer, source_url)
    draft = _draft(services, draft_id)
    entries = {located.entry.id: located.entry for located in services.knowledge.load().entries}
    try:
        if action == "merge":
            if merge_into not in entries:
                raise DraftError("Không tìm thấy mục kiến thức để thêm cách hỏi; mời tải lại trang.")
            result = merge_into_entry(services.engine, services.settings, draft_id, fields, entries[merge_into],
                                      user.username, services.today())
        elif action in ("approve", "approve_new"):
            duplicate = near_duplicate(services, fields.question, fields.alternates)
            if action == "approve" and duplicate is not None:
                update_draft(services.engine, draft_id, fields)
                return _page(request, services, _draft(services, draft_id), [
                    f"Bản nháp rất giống mục «{duplicate.entry.question}» (độ giống {duplicate.score:.2f}): đăng "
                    "thành mục mới thì người dân sẽ gặp hai lựa chọn như nhau. Mời bạn thêm các cách hỏi này vào "
                    "mục đó, hoặc xác nhận đăng thành mục mới."], status=409)
            result = approve_draft(services.engine, services.settings, draft_id, fields, user.username,
                                   set(entries), services.today())
        else:
            update_draft(services.engine, draft_id, fields)
            flash(request, "Đã lưu bản nháp.")
            return redirect(f"{PREFIX}/drafts/{draft_id}")
    except DraftError as error:
        return _page(request, services, draft, [str(error)], status=409)
    if not result.saved:
        return _page(request, services, _draft(services, draft_id), [describe(p) for p in result.errors],
                     [describe(p) for p in result.warnings], status=422)
    approved = _draft(services, draft_id)
    if action == "merge":
        flash(request, f"Đã thêm các cách hỏi của bản nháp vào mục «{approved.entry_id}»: trợ lý nhận ra ngay, "
                       "không cần khởi động lại.")
    else:
        flash(request, f"Đã duyệt và đăng mục «{approved.entry_id}» vào {result.file.name if result.file else ''}: "
                       "trợ lý dùng ngay câu trả lời này, không cần khởi động lại.")
    return redirect(f"{PREFIX}/knowledge/{approved.entry_id}")


@router.post("/drafts/{draft_id}/dismiss", include_in_schema=False, dependencies=[Depends(check_csrf)])
def dismiss(request: Request, draft_id: int, user: Admin, services: Services, reason: str = Form("")) -> Response:
    """Drop a draft with a reason."""
    try:
        dismiss_draft(services.engine, draft_id, reason, user.username)
    except DraftError as error:
        flash(request, str(error), "error")
        return redirect(f"{PREFIX}/drafts/{draft_id}")
    flash(request, "Đã bỏ qua bản nháp.")
    return redirect(f"{PREFIX}/drafts")


@router.post("/escalations/{ticket_code}/draft", include_in_schema=False, dependencies=[Depends(check_csrf)])
def draft_from_ticket(request: Request, ticket_code: str, user: Admin, services: Services) -> Response:
    """Turn an answered escalation (and the questions merged with it) into a draft entry."""
    try:
        draft_id = draft_from_escalation(services.engine, ticket_code[:16], user.username)
    except DraftError as error:
        flash(request, str(error), "error")
        return redirect(f"{PREFIX}/escalations/{ticket_code[:16]}")
    flash(request, "Đã tạo bản nháp từ câu trả lời của Tổ. Mời bạn kiểm tra, thêm nguồn rồi duyệt.")
    return redirect(f"{PREFIX}/drafts/{draft_id}")

