"""The degraded mode's replies, from the real knowledge base, when Rasa or the action server cannot answer."""

from __future__ import annotations

import asyncio
import threading

from bot.conversation.answering import Answerer
from bot.conversation.buttons import entry_payload, topic_payload
from bot.conversation.degraded import BUSY_TEXT, DegradedReplies
from bot.conversation.topics import MENU

SENDER = "web:degraded"


async def test_a_knowledge_question_is_answered_without_rating_or_escalation_buttons(answerer: Answerer):
    replies = await DegradedReplies(lambda: answerer, wait_seconds=5).reply(
        SENDER, "quên mật khẩu VNeID thì lấy lại thế nào")
    assert replies[0].text != BUSY_TEXT and "VNeID" in replies[0].text
    payloads = [b.payload for m in replies for b in m.buttons]
    assert all(p.startswith("/choose_entry") for p in payloads)  # no 👍/👎, no /affirm: they need Rasa


async def test_question_and_topic_buttons_are_answered_the_rest_is_busy(answerer: Answerer):
    degraded = DegradedReplies(lambda: answerer, wait_seconds=5)
    entry_id = "dvc-vneid-quen-mat-khau"
    assert (await degraded.reply(SENDER, entry_payload(entry_id)))[0].text == \
        answerer.answer_entry(entry_id).messages[0].text
    topic = await degraded.reply(SENDER, topic_payload(MENU[0].key))
    assert topic[0].buttons and topic[0].text != BUSY_TEXT
    for needs_rasa in ("/affirm", '/inform{"commune":"SL03"}', "/feedback_good", "asdkjh qwe zxc", "123456"):
        assert [m.text for m in await degraded.reply(SENDER, needs_rasa)] == [BUSY_TEXT]


async def test_the_busy_reply_while_the_answerer_is_built_then_answers():
    release = threading.Event()

    def slow_build() -> Answerer:
        release.wait(10)
        raise RuntimeError("no knowledge base here")

    degraded = DegradedReplies(slow_build, wait_seconds=0.05)
    assert [m.text for m in await degraded.reply(SENDER, "cách cài vneid")] == [BUSY_TEXT]
    release.set()
    await asyncio.sleep(0.1)
    assert [m.text for m in await degraded.reply(SENDER, "cách cài vneid")] == [BUSY_TEXT]  # failed: busy


async def test_no_answerer_is_built_when_the_wait_is_zero():
    built: list[bool] = []
    degraded = DegradedReplies(lambda: built.append(True) or None, wait_seconds=0)  # type: ignore[arg-type,return-value]
    assert [m.text for m in await degraded.reply(SENDER, "cách cài vneid")] == [BUSY_TEXT]
    await asyncio.sleep(0.05)
    assert built == []
