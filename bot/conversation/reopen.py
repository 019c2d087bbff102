"""Reopening a ticket whose team answer did not help (offered after a 👎 on that answer)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.conversation.answering import Outcome
from bot.conversation.buttons import MY_TICKETS
from bot.escalations.states import InvalidTransition
from bot.escalations.workflow import UnknownTicket
from bot.messages import Button, Message

logger = logging.getLogger(__name__)

Reopen = Callable[[str], None]
"""Reopens the ticket of this code for the citizen of the conversation (`Workflow.reopen`, bound)."""


def reopen_ticket(code: str | None, reopen: Reopen) -> Outcome:
    """Reopen ticket `code` and say what happens next; an unknown code, another citizen's ticket or a ticket still
    waiting for its answer is explained, and a failure apologised for."""
    my_tickets = [Button("Phiếu của tôi", MY_TICKETS)]
    if code is None:
        return Outcome([Message("Bạn cho tôi mã phiếu muốn mở lại nhé (dạng TL-xxxxx).", my_tickets)])
    try:
        reopen(code)
    except UnknownTicket:
        return Outcome([Message(f"Tôi không tìm thấy phiếu {code} trong các phiếu bạn đã gửi từ đây.", my_tickets)])
    except InvalidTransition as refused:
        if refused.current == "cancelled":
            text = f"Phiếu {code} đã được huỷ. Nếu vẫn cần hỗ trợ, bạn nhắn \"gặp cán bộ\" để gửi lại nhé."
        else:
            text = f"Phiếu {code} vẫn đang chờ Tổ trả lời, chưa cần mở lại. Khi có câu trả lời, tôi sẽ nhắn bạn ngay."
        return Outcome([Message(text, my_tickets)])
    except Exception:
        logger.exception("could not reopen a ticket")
        return Outcome([Message("Xin lỗi, tôi chưa mở lại được phiếu do trục trặc kỹ thuật. Bạn vui lòng thử lại "
                                "sau ít phút nhé.")])
    return Outcome([Message(
        f"Tôi đã mở lại phiếu {code}. Tổ công nghệ số cộng đồng sẽ xem lại câu hỏi của bạn và trả lời thêm ngay tại "
        "đây.", my_tickets)], {"ticket_code": code, "offer": None})
