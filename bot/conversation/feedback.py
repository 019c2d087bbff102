"""👍 / 👎 after an answer: stored with the question and the entry; 👎 offers the community tech team."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

from bot.conversation.answering import OFFER_ESCALATION, Outcome
from bot.conversation.buttons import escalation_offer_buttons
from bot.messages import Message

logger = logging.getLogger(__name__)

Rating = Literal["good", "bad"]
FeedbackRecorder = Callable[..., None]
"""`bot.questionlog.record_feedback` or a function with its signature."""


def handle_feedback(rating: Rating, question_id: int | None, entry_id: str | None, channel: str, sender: str,
                    recorder: FeedbackRecorder) -> Outcome:
    """Store the rating and reply; a 👎 offers to pass the question on."""
    try:
        recorder(question_id, entry_id, rating, channel, sender)
    except Exception:
        logger.exception("could not store feedback")
    if rating == "good":
        return Outcome([Message("Cảm ơn bạn đã cho biết! Bạn cần hỏi gì thêm cứ nhắn cho tôi nhé.")],
                       {"offer": None})
    return Outcome([Message(
        "Xin lỗi vì câu trả lời chưa giúp được bạn. Bạn có thể hỏi lại theo cách khác, hoặc tôi chuyển câu hỏi "
        "cho Tổ công nghệ số cộng đồng ở xã/phường của bạn. Bạn có muốn chuyển không?", escalation_offer_buttons())],
        {"offer": OFFER_ESCALATION})
