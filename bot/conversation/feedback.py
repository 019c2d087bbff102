"""👍 / 👎 after an answer: stored against the answer it was shown under.

An answer of the assistant is rated by its logged question (or its entry); an answer of a community tech
team by its ticket. A 👎 on the assistant's answer offers the team; a 👎 on a team's answer offers to reopen
that ticket.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.conversation.answering import OFFER_ESCALATION, Outcome
from bot.conversation.buttons import DENY, TICKET_ENTITY, escalation_offer_buttons, intent_payload
from bot.messages import Button, Message

logger = logging.getLogger(__name__)

Rating = Literal["good", "bad"]
FeedbackRecorder = Callable[..., None]
"""`bot.questionlog.record_feedback` or a function with its signature."""
REOPEN_INTENT = "reopen_ticket"


@dataclass(frozen=True)
class RatedAnswer:
    """What a 👍/👎 rates: a team's answer (`ticket_code`), else the assistant's (`question_id`, `entry_id`)."""

    question_id: int | None = None
    entry_id: str | None = None
    ticket_code: str | None = None


def rated_answer(payload_ticket: str | None, payload_question: str | None, payload_entry: str | None,
                 last_question_id: int | None, last_entry_id: str | None) -> RatedAnswer:
    """The answer a 👍/👎 is about: the one its button names (pressed later, it still rates that answer), or the
    conversation's last answer when the rating was typed ("hữu ích")."""
    if payload_ticket:
        return RatedAnswer(ticket_code=payload_ticket)
    if payload_question or payload_entry:
        question_id = int(payload_question) if payload_question and payload_question.isdigit() else None
        return RatedAnswer(question_id=question_id, entry_id=payload_entry)
    return RatedAnswer(question_id=last_question_id, entry_id=last_entry_id)


def reopen_buttons(ticket_code: str) -> list[Button]:
    """Reopen the ticket whose answer did not help, or leave it."""
    return [Button("Mở lại phiếu để Tổ xem lại", intent_payload(REOPEN_INTENT, **{TICKET_ENTITY: ticket_code})),
            Button("Không, cảm ơn", DENY)]


def handle_feedback(rating: Rating, rated: RatedAnswer, channel: str, sender: str,
                    recorder: FeedbackRecorder) -> Outcome:
    """Store the rating and reply; a 👎 offers the team (the assistant's answer) or reopening (a team's)."""
    try:
        recorder(rated.question_id, rated.entry_id, rating, channel, sender, ticket_code=rated.ticket_code)
    except Exception:
        logger.exception("could not store feedback")
    if rating == "good":
        return Outcome([Message("Cảm ơn bạn đã cho biết! Bạn cần hỏi gì thêm cứ nhắn cho tôi nhé.")],
                       {"offer": None})
    if rated.ticket_code:
        return Outcome([Message(
            f"Xin lỗi vì câu trả lời của Tổ công nghệ số cộng đồng (phiếu {rated.ticket_code}) chưa giúp được bạn. "
            "Bạn có muốn mở lại phiếu này để Tổ xem lại và trả lời thêm không?", reopen_buttons(rated.ticket_code))],
            {"offer": None})
    return Outcome([Message(
        "Xin lỗi vì câu trả lời chưa giúp được bạn. Bạn có thể hỏi lại theo cách khác, hoặc tôi chuyển câu hỏi "
        "cho Tổ công nghệ số cộng đồng ở xã/phường của bạn. Bạn có muốn chuyển không?", escalation_offer_buttons())],
        {"offer": OFFER_ESCALATION})
