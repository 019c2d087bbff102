"""The citizen's view of their tickets: "phiếu TL-7F3K2 thế nào rồi?" → one Vietnamese sentence; "phiếu của tôi"
→ the list of their tickets with each one's status."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.escalations.intake import EscalationStatusView
from bot.escalations.states import ANSWERED, CANCELLED, CLAIMED, CLOSED, OPEN
from bot.localtime import format_day
from bot.messages import Button, Message

logger = logging.getLogger(__name__)

StatusLookup = Callable[[str], EscalationStatusView | None]
TicketsLookup = Callable[[], list[EscalationStatusView]]
"""The tickets of the citizen of this conversation, newest first."""
SHORT_STATUS = {
    OPEN: "đang chờ cán bộ nhận",
    CLAIMED: "cán bộ đang xử lý",
    ANSWERED: "đã có câu trả lời",
    CLOSED: "đã hoàn tất",
    CANCELLED: "đã huỷ",
}


def status_sentence(view: EscalationStatusView) -> str:
    """What the citizen is told about a ticket."""
    commune = view.commune_name[:1].lower() + view.commune_name[1:]
    about = (f"Phiếu {view.ticket_code} (gửi ngày {format_day(view.created_at)} tới Tổ công nghệ số cộng đồng "
             f"{commune})")
    if view.status == OPEN:
        return f"{about} đang chờ cán bộ nhận. Khi có câu trả lời, tôi sẽ nhắn cho bạn ngay."
    if view.status == CLAIMED:
        return f"{about} đã có cán bộ nhận và đang tìm câu trả lời cho bạn."
    if view.status in (ANSWERED, CLOSED):
        if view.answer:
            return f"{about} đã được trả lời:\n\n{view.answer}"
        return f"{about} đã được trả lời."
    if view.status == CANCELLED:
        return f"{about} đã được huỷ. Nếu vẫn cần hỗ trợ, bạn nhắn \"gặp cán bộ\" để gửi lại nhé."
    return f"{about} đang được xử lý."


def my_tickets_message(tickets: TicketsLookup) -> Message:
    """"Phiếu của tôi": the citizen's tickets with their status, each one a button showing it in full."""
    try:
        views = tickets()
    except Exception:
        logger.exception("ticket list lookup failed")
        return Message("Hiện tôi chưa tra cứu được phiếu, bạn vui lòng thử lại sau ít phút nhé.")
    if not views:
        return Message("Bạn chưa gửi câu hỏi nào cho Tổ công nghệ số cộng đồng từ đây. Nếu bạn có mã phiếu "
                       "(dạng TL-xxxxx), bạn nhắn mã đó cho tôi nhé.")
    lines = [f"• {v.ticket_code} (gửi ngày {format_day(v.created_at)}): {SHORT_STATUS.get(v.status, 'đang xử lý')}"
             for v in views]
    return Message("Các phiếu bạn đã gửi cho Tổ công nghệ số cộng đồng:\n" + "\n".join(lines)
                   + "\nBạn bấm vào một phiếu để xem chi tiết.",
                   [Button(f"Xem phiếu {v.ticket_code}", f"phiếu {v.ticket_code}") for v in views])


def ticket_status_message(code: str | None, lookup: StatusLookup, tickets: TicketsLookup | None = None) -> Message:
    """The status of the ticket `code`; without a code, the citizen's tickets (`tickets`), or a request for the
    code; an honest "not found"."""
    if code is None and tickets is not None:
        return my_tickets_message(tickets)
    if code is None:
        return Message("Bạn cho tôi mã phiếu nhé (dạng TL-xxxxx, có trong tin nhắn tôi gửi khi chuyển câu hỏi).")
    try:
        view = lookup(code)
    except Exception:
        logger.exception("ticket status lookup failed")
        return Message("Hiện tôi chưa tra cứu được phiếu, bạn vui lòng thử lại sau ít phút nhé.")
    if view is None:
        return Message(f"Tôi không tìm thấy phiếu {code}. Bạn kiểm tra lại mã phiếu giúp tôi nhé.")
    return Message(status_sentence(view))
