"""Escalations in the dashboard: a team member's queue and history (claim, answer, close), the province's view.

A team member sees only their commune's tickets (another commune's ticket is "not found"); the full phone
number is shown only to the member the ticket is assigned to, on request, and every showing is audited.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot.accounts.users import TEAM_MEMBER, UserInfo
from bot.delivery import Notifier, deliver_all
from bot.escalations.states import ANSWERED, CANCELLED, CLOSED, WAITING, InvalidTransition
from bot.escalations.workflow import NotTeamMember, TicketView, UnknownTicket, WorkflowError
from bot.gaps.nearest import NearEntry, topic_of
from bot.knowledge.schema import KnowledgeEntry
from bot.limits import DASHBOARD_SEARCH_CHARS, TEAM_ANSWER_CHARS
from bot.text import fold
from bot.web.dashboard.deps import CitizenNotifier, DashboardServices, Services
from bot.web.dashboard.render import STATUS_NAMES, flash, open_tickets, redirect, render
from bot.web.dashboard.security import PREFIX, AdminOrTeam, DashboardError, check_csrf
from bot.web.dashboard.transcript import shown_transcript

router = APIRouter(prefix=PREFIX)
HISTORY = (ANSWERED, CLOSED, CANCELLED)
MAX_LISTED = 200
SEARCHED = 5000
"""How many of the newest tickets a search of the province's list reads."""
SUGGESTED_ENTRIES = 3
NOT_FOUND = "Không tìm thấy phiếu này trong phạm vi của bạn."


def _ticket(services: DashboardServices, user: UserInfo, code: str) -> TicketView:
    """The ticket, if the user may see it (404 for another commune's ticket: its existence is not revealed)."""
    try:
        ticket = services.workflow.get(code[:16])
    except UnknownTicket as error:
        raise DashboardError(404, NOT_FOUND) from error
    if user.role == TEAM_MEMBER and ticket.commune_code != user.commune_code:
        raise DashboardError(404, NOT_FOUND)
    return ticket


def _member(user: UserInfo) -> str:
    if user.role != TEAM_MEMBER or not user.team_username:
        raise DashboardError(403, "Chỉ thành viên Tổ công nghệ số của xã/phường mới xử lý được phiếu.")
    return user.team_username


def matching(tickets: list[TicketView], search: str) -> list[TicketView]:
    """The tickets whose code is `search` (any case), or whose question has every word of it (with or without
    diacritics); all of them for an empty search."""
    words = fold(search).split()
    if not words:
        return tickets
    code = search.strip().upper()
    by_code = [ticket for ticket in tickets if ticket.ticket_code == code]
    return by_code or [ticket for ticket in tickets if all(word in fold(ticket.question) for word in words)]


@router.get("/escalations", response_class=HTMLResponse, include_in_schema=False)
def escalations(request: Request, user: AdminOrTeam, services: Services, commune: str = "",
                status: str = "", q: str = "") -> Response:
    """A team member's queue and history; for the ICT department, every commune's tickets (read only).

    `q` finds a ticket by its code, or the tickets whose question has its words.
    """
    workflow = services.workflow
    status = status if status in STATUS_NAMES else ""
    search = q[:DASHBOARD_SEARCH_CHARS]
    context: dict[str, Any]
    if user.role == TEAM_MEMBER:
        commune_row = services.province.commune(user.commune_code or "")
        history = matching(list(reversed(workflow.queue(user.commune_code or "", HISTORY))), search)
        context = {"queue": matching(workflow.queue(user.commune_code or ""), search),
                   "history": history[:MAX_LISTED], "search": search,
                   "commune": commune_row,
                   "no_group": commune_row is not None and commune_row.team.telegram_chat_id is None,
                   "telegram_off": not services.settings.telegram_bot_token}
    else:
        commune = commune if services.province.commune(commune) else ""
        scanned = workflow.tickets(commune or None, status or None, SEARCHED if search else MAX_LISTED)
        context = {"tickets": matching(scanned, search)[:MAX_LISTED], "commune_filter": commune,
                   "status_filter": status, "search": search}
    return render(request, "dashboard/escalations.html", context, page="escalations")


@router.get("/escalations/count", include_in_schema=False)
def count(user: AdminOrTeam, services: Services) -> JSONResponse:
    """`{"open": n}`: the tickets nobody has claimed yet, of the member's commune (of the province for the ICT
    department); asked every few seconds by `dashboard.js` for the live count."""
    if user.role == TEAM_MEMBER:
        waiting = open_tickets(services, user.commune_code or "")
    else:
        waiting = sum(open_tickets(services, commune.code) for commune in services.province.communes)
    return JSONResponse({"open": waiting}, headers={"cache-control": "no-store"})


@dataclass(frozen=True)
class Suggestion:
    """A knowledge entry near the ticket's question and the answer it would send (editable before sending)."""

    near: NearEntry
    text: str


def suggested_answer(entry: KnowledgeEntry) -> str:
    """The team answer made of an entry: its answer and its source, within the team answer's length."""
    source = f"\n\nNguồn: {entry.source_url}" if entry.source_url else ""
    return (entry.answer[:TEAM_ANSWER_CHARS - len(source)] + source).strip()


def _detail(request: Request, services: DashboardServices, user: UserInfo, ticket: TicketView,
            phone: str | None = None) -> Response:
    commune = services.province.commune(ticket.commune_code)
    mine = user.role == TEAM_MEMBER and (ticket.assignee or "").lower() == (user.team_username or "").lower()
    entries = {located.entry.id: located.entry for located in services.knowledge.load().entries}

    def entry_title(entry_id: str) -> str | None:
        return entries[entry_id].display_title if entry_id in entries else None

    def commune_name(code: str) -> str | None:
        found = services.province.commune(code)
        return found.name if found else None

    lines = shown_transcript(ticket.transcript, entry_title, commune_name)
    is_member = user.role == TEAM_MEMBER
    nearest = services.gaps.nearest([ticket.question], SUGGESTED_ENTRIES)
    suggestions = [Suggestion(near, suggested_answer(near.entry)) for near in nearest] \
        if is_member and ticket.status in WAITING else []
    return render(request, "dashboard/ticket.html",
                  {"ticket": ticket, "commune": commune, "mine": mine, "phone": phone, "is_member": is_member,
                   "lines": lines, "suggestions": suggestions,
                   "topic": topic_of(nearest[0] if nearest else None, services.settings.gaps_cluster_threshold)},
                  page="escalations")


@router.get("/escalations/{code}", response_class=HTMLResponse, include_in_schema=False)
def ticket_page(request: Request, code: str, user: AdminOrTeam, services: Services) -> Response:
    """One ticket with its transcript (masked) and the actions its state allows."""
    return _detail(request, services, user, _ticket(services, user, code))


@router.post("/escalations/{code}/phone", response_class=HTMLResponse, include_in_schema=False,
             dependencies=[Depends(check_csrf)])
def show_phone(request: Request, code: str, user: AdminOrTeam, services: Services) -> Response:
    """The full phone number, for the member the ticket is assigned to (the reading is audited)."""
    ticket = _ticket(services, user, code)
    member = _member(user)
    if (ticket.assignee or "").lower() != member.lower():
        raise DashboardError(403, "Chỉ người đang nhận xử lý phiếu mới xem được số điện thoại đầy đủ.")
    phone = services.workflow.contact_phone(ticket.ticket_code, member)
    return _detail(request, services, user, ticket, phone or "")


def _act(request: Request, services: DashboardServices, user: UserInfo, code: str, action: str, text: str = "",
         notifier: Notifier | None = None) -> Response:
    """Run a team action on a ticket and come back to it with a notice (`notifier` delivers answers)."""
    ticket = _ticket(services, user, code)
    member = _member(user)
    workflow = services.workflow
    try:
        if action == "claim":
            outcome = workflow.claim(ticket.ticket_code, member)
            if outcome.won:
                flash(request, "Bạn đã nhận xử lý phiếu.")
            else:
                flash(request, f"Phiếu đã được {outcome.assignee_name or outcome.assignee} nhận trước.", "error")
        elif action == "release":
            workflow.release(ticket.ticket_code, member)
            flash(request, "Đã trả phiếu lại cho Tổ.")
        elif action == "close":
            workflow.close(ticket.ticket_code, member)
            flash(request, "Đã đóng phiếu.")
        else:
            answered = workflow.answer(ticket.ticket_code, member, text[:TEAM_ANSWER_CHARS])
            failed = deliver_all(answered.deliveries, notifier) if notifier else answered.deliveries
            sent = len(answered.deliveries) - len(failed)
            flash(request, f"Đã trả lời {len(answered.answered)} phiếu; đã gửi tới {sent} người dân.")
            if failed:
                flash(request, f"{len(failed)} tin chưa gửi được; người dân vẫn xem được câu trả lời khi hỏi mã phiếu.",
                      "error")
    except InvalidTransition as error:
        flash(request, f"Phiếu đang «{STATUS_NAMES.get(error.current, error.current)}» nên không thể làm việc này.",
              "error")
    except NotTeamMember as error:
        raise DashboardError(403, "Bạn không có trong danh sách Tổ của xã/phường này.") from error
    except ValueError:
        flash(request, "Câu trả lời đang trống: mời bạn nhập nội dung trả lời.", "error")
    except WorkflowError:
        flash(request, "Phiếu vừa thay đổi (có người khác vừa xử lý). Mời bạn xem lại rồi thử lại.", "error")
    return redirect(f"{PREFIX}/escalations/{ticket.ticket_code}")


@router.post("/escalations/{code}/claim", include_in_schema=False, dependencies=[Depends(check_csrf)])
def claim(request: Request, code: str, user: AdminOrTeam, services: Services) -> Response:
    """Take the ticket (and the open tickets merged with it)."""
    return _act(request, services, user, code, "claim")


@router.post("/escalations/{code}/release", include_in_schema=False, dependencies=[Depends(check_csrf)])
def release(request: Request, code: str, user: AdminOrTeam, services: Services) -> Response:
    """Give a claimed ticket back to the team."""
    return _act(request, services, user, code, "release")


@router.post("/escalations/{code}/answer", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def answer(request: Request, code: str, user: AdminOrTeam, services: Services, notifier: CitizenNotifier,
                 text: str = Form("")) -> Response:
    """Answer the ticket's cluster; the answer goes to every waiting citizen on their channel.

    The work runs in a worker thread; Telegram messages are sent on this event loop meanwhile.
    """
    return await asyncio.to_thread(_act, request, services, user, code, "answer", text, notifier)


@router.post("/escalations/{code}/close", include_in_schema=False, dependencies=[Depends(check_csrf)])
def close(request: Request, code: str, user: AdminOrTeam, services: Services) -> Response:
    """Close an answered ticket."""
    return _act(request, services, user, code, "close")
