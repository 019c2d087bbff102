"""The knowledge page: the entries due for review (most-used first), browse and search entries, mark reviewed, edit."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from bot.accounts.users import ICT_ADMIN
from bot.gaps.drafts import add_months
from bot.knowledge.editing import save_entry
from bot.knowledge.review_queue import TRAFFIC_DAYS, due_for_review
from bot.knowledge.schema import ID_PATTERN, TITLE_MAX_CHARS, KnowledgeEntry
from bot.knowledge.stats import DUE_SOON_DAYS
from bot.knowledge.store import LocatedEntry, Problem
from bot.limits import KNOWLEDGE_REVIEW_NOTE_CHARS, KNOWLEDGE_SEARCH_CHARS
from bot.text import fold
from bot.web.dashboard.deps import DashboardServices, Services
from bot.web.dashboard.drafts import form_fields
from bot.web.dashboard.problems import describe
from bot.web.dashboard.render import flash, redirect, render
from bot.web.dashboard.security import PREFIX, Admin, AnyUser, DashboardError, check_csrf

router = APIRouter(prefix=PREFIX)
PAGE_SIZE = 50
_ID = re.compile(ID_PATTERN)


def _search_text(located: LocatedEntry) -> str:
    entry = located.entry
    return fold(" ".join([entry.id, *entry.texts(), entry.answer, *entry.tags]))


def _located(services: DashboardServices, entry_id: str) -> LocatedEntry:
    if not _ID.match(entry_id):
        raise DashboardError(404, "Không tìm thấy mục kiến thức này.")
    found = next((e for e in services.knowledge.load().entries if e.entry.id == entry_id), None)
    if found is None:
        raise DashboardError(404, "Không tìm thấy mục kiến thức này.")
    return found


@router.get("/knowledge", response_class=HTMLResponse, include_in_schema=False)
def knowledge(request: Request, user: AnyUser, services: Services, q: str = "", topic: str = "", due: str = "",
              page: str = "1") -> Response:
    """The entries due for review by citizen traffic (on the first page), then the entries matching the search
    (any words, without diacritics), the topic and the review filter."""
    today = services.today()
    query = fold(q[:KNOWLEDGE_SEARCH_CHARS])
    overdue_only = due == "true"
    number = int(page) if page.isdigit() and 0 < len(page) < 6 else 1
    queue = due_for_review(services.engine, services.knowledge.load().entries, services.clock(), today) \
        if number == 1 else []
    entries = [e for e in services.knowledge.load().entries
               if (not topic or e.entry.topic == topic)
               and (not overdue_only or (e.entry.review_by is not None and e.entry.review_by < today))
               and all(word in _search_text(e) for word in query.split())]
    overdue = sum(1 for e in services.knowledge.load().entries if e.entry.review_by and e.entry.review_by < today)
    context = {"entries": entries[(number - 1) * PAGE_SIZE:number * PAGE_SIZE], "total": len(entries),
               "q": q[:KNOWLEDGE_SEARCH_CHARS], "topic": topic, "due": overdue_only, "page_number": number,
               "pages": max(1, -(-len(entries) // PAGE_SIZE)),
               "today": today, "overdue": overdue, "queue": queue[:PAGE_SIZE], "queue_total": len(queue),
               "traffic_days": TRAFFIC_DAYS, "due_soon_days": DUE_SOON_DAYS}
    return render(request, "dashboard/knowledge.html", context, page="knowledge")


@router.get("/knowledge/{entry_id}", response_class=HTMLResponse, include_in_schema=False)
def entry_page(request: Request, entry_id: str, user: AnyUser, services: Services) -> Response:
    """One entry; the edit form for ICT admins."""
    located = _located(services, entry_id)
    return _entry_page(request, services, located, located.entry, [], can_edit=user.role == ICT_ADMIN)


def _entry_page(request: Request, services: DashboardServices, located: LocatedEntry, entry: KnowledgeEntry,
                errors: list[str], can_edit: bool = True, status: int = 200) -> Response:
    return render(request, "dashboard/entry.html", {
        "located": located, "entry": entry, "today": services.today(), "can_edit": can_edit, "errors": errors,
        "title_max": TITLE_MAX_CHARS}, status=status, page="knowledge")


def _one_line(text: str) -> str | None:
    """A typed single-line field, spaces collapsed; None when empty (the schema checks its length)."""
    return " ".join(text.split()) or None


def _note(text: str) -> str | None:
    """A typed review note, line ends kept; None when empty."""
    return "\n".join(line.rstrip() for line in text.replace("\r", "").strip().split("\n"))[
        :KNOWLEDGE_REVIEW_NOTE_CHARS] or None


def _invalid(request: Request, services: DashboardServices, located: LocatedEntry, error: ValidationError) -> Response:
    problems = [Problem("error", located.file, f"{'.'.join(map(str, e['loc']))}: {e['msg']}", located.entry.id)
                for e in error.errors()]
    return _entry_page(request, services, located, located.entry, [describe(p) for p in problems], status=422)


def _save(request: Request, services: DashboardServices, entry: KnowledgeEntry, actor: str, action: str,
          located: LocatedEntry) -> Response:
    result = save_entry(entry, actor=actor, action=action, engine=services.engine, settings=services.settings,
                        today=services.today())
    if not result.saved:
        return _entry_page(request, services, located, entry, [describe(p) for p in result.errors], status=422)
    done = "Đã đánh dấu đã rà soát" if action == "review" else "Đã lưu thay đổi"
    flash(request, f"{done} mục «{entry.id}»; trợ lý dùng ngay nội dung mới.")
    return redirect(f"{PREFIX}/knowledge/{entry.id}")


@router.post("/knowledge/{entry_id}", include_in_schema=False, dependencies=[Depends(check_csrf)])
def edit(request: Request, entry_id: str, user: Admin, services: Services, question: str = Form(""),
         title: str = Form(""), alternates: str = Form(""), answer: str = Form(""), source_url: str = Form(""),
         review_note: str = Form("")) -> Response:
    """Save an edited entry (validated like `trolyso kb validate`; nothing is written when invalid).

    The form carries every field the reviewer may change: a title or review note sent empty is removed.
    """
    located = _located(services, entry_id)
    fields = form_fields(located.entry.topic, question, alternates, answer, source_url)
    try:
        entry = KnowledgeEntry.model_validate({
            **located.entry.model_dump(), "question": fields.question, "alternates": fields.alternates,
            "answer": fields.answer, "source_url": fields.source_url,
            "title": _one_line(title), "review_note": _note(review_note)})
    except ValidationError as error:
        return _invalid(request, services, located, error)
    return _save(request, services, entry, user.username, "update", located)


@router.post("/knowledge/{entry_id}/reviewed", include_in_schema=False, dependencies=[Depends(check_csrf)])
def mark_reviewed(request: Request, entry_id: str, user: Admin, services: Services,
                  review_note: str = Form("")) -> Response:
    """Mark an entry reviewed today with what the review checked; it is due again after `KNOWLEDGE_REVIEW_MONTHS`."""
    located = _located(services, entry_id)
    today = services.today()
    note = _note(review_note)
    if note is None:
        return _entry_page(request, services, located, located.entry, [
            "Cần ghi chú rà soát: đã đối chiếu nội dung với trang hoặc văn bản chính thức nào."], status=422)
    entry = located.entry.model_copy(update={
        "reviewed_on": today, "review_by": add_months(today, services.settings.knowledge_review_months),
        "review_note": note})
    return _save(request, services, entry, user.username, "review", located)
