"""The degraded mode: what a channel's own process answers while Rasa or the action server cannot.

A knowledge question is answered directly from the retriever (an answerer built in the channel's process on
the first need, `live_answerer.LiveAnswerer`); a pressed question or topic button too. Anything that needs the
conversation engine (the escalation form, a yes/no, feedback) and any question the knowledge base does not
answer gets a clear "busy" message that says where the community tech team can be reached. The reply is never
empty: while the answerer is still being built, or when it cannot be, the busy message is sent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from bot.conversation.answering import Answerer, ConversationState, Outcome
from bot.conversation.topics import menu_topic
from bot.door import parse_command
from bot.messages import Message
from bot.sender_ids import parse_sender

logger = logging.getLogger(__name__)

BUSY_TEXT = (
    "Xin lỗi bạn, Trợ lý số đang quá tải hoặc đang khởi động lại nên tạm thời chưa xử lý được yêu cầu này. "
    "Những gì bạn đã gửi trước đó vẫn được giữ nguyên. Bạn vui lòng nhắn lại sau ít phút nhé. "
    "Nếu cần gấp, bạn có thể đến bộ phận một cửa của Ủy ban nhân dân xã/phường nơi bạn ở để gặp "
    "Tổ công nghệ số cộng đồng hỗ trợ trực tiếp."
)
"""The reply when nothing better can be said: busy, nothing lost, try again, where the team is."""
RETRY_BUILD_AFTER_SECONDS = 60.0
"""After a failed build of the answerer, how long the busy message is sent before building again."""
ANSWER_BUTTON_PREFIXES = ("/choose_entry", "/choose_topic")
"""Buttons that still work in the degraded mode (they are answered from the knowledge base)."""


def busy_message() -> Message:
    """The degraded mode's "service busy" message."""
    return Message(BUSY_TEXT)


async def busy_reply(_sender: str, _text: str) -> list[Message]:
    """The degraded reply of a process without an answerer of its own: the busy message."""
    return [busy_message()]


def _answer_buttons_only(messages: list[Message]) -> list[Message]:
    """The messages with only the buttons the degraded mode can answer (no 👍/👎, no offer to escalate)."""
    kept = []
    for message in messages:
        buttons = [b for b in message.buttons if b.payload.startswith(ANSWER_BUTTON_PREFIXES)]
        kept.append(Message(message.text, buttons))
    return kept


def _useful(outcome: Outcome) -> bool:
    """True when the outcome answers from the knowledge base or lists entries to choose from."""
    return bool(outcome.slots.get("context_entry") or outcome.slots.get("choices"))


class DegradedReplies:
    """Answers from the knowledge base in this process; `build` makes the answerer (slow, run in a thread)."""

    def __init__(self, build: Callable[[], Answerer], wait_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """`wait_seconds`: how long one message waits for the answerer's first build before the busy message
        (0: no answerer is ever built here, the degraded mode only sends the busy message)."""
        self._build = build
        self._wait_seconds = wait_seconds
        self._clock = clock
        self._task: asyncio.Task[Answerer] | None = None
        self._failed_at: float | None = None

    async def _answerer(self) -> Answerer | None:
        """The answerer when it is (or becomes within the wait) ready; None otherwise."""
        if self._wait_seconds <= 0:
            return None
        if self._failed_at is not None and self._clock() - self._failed_at < RETRY_BUILD_AFTER_SECONDS:
            return None
        if self._task is None:
            self._failed_at = None
            self._task = asyncio.get_running_loop().create_task(asyncio.to_thread(self._build))
        try:
            return await asyncio.wait_for(asyncio.shield(self._task), self._wait_seconds)
        except TimeoutError:
            return None
        except Exception:
            logger.exception("the degraded mode's answerer could not be built")
            self._task, self._failed_at = None, self._clock()
            return None

    async def reply(self, sender: str, text: str) -> list[Message]:
        """What to say to conversation `sender` for `text` (typed text or an admitted payload); never empty."""
        answerer = await self._answerer()
        if answerer is None:
            return [busy_message()]
        try:
            outcome = await asyncio.to_thread(self._outcome, answerer, sender, text)
        except Exception:
            logger.exception("degraded reply failed")
            return [busy_message()]
        if outcome is None or not _useful(outcome):
            return [busy_message()]
        return _answer_buttons_only(outcome.messages)

    @staticmethod
    def _outcome(answerer: Answerer, sender: str, text: str) -> Outcome | None:
        command = parse_command(text)
        if command is None:
            channel, chat_id = parse_sender(sender)
            return answerer.answer_text(text, ConversationState(), channel, chat_id)
        if command.intent == "choose_entry":
            return answerer.answer_entry(command.entities.get("entry_id"))
        if command.intent == "choose_topic":
            return answerer.choose_topic(menu_topic(command.entities.get("topic")))
        return None

