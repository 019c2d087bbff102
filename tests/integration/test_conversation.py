"""Whole conversations through `POST /api/chat`: the gateway, the trained Rasa model and the action server."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.escalations.intake import escalation_status
from bot.knowledge.schema import KnowledgeEntry
from bot.knowledge.store import load_knowledge
from bot.models import Feedback, QuestionLog, utcnow
from bot.settings import PROJECT_ROOT, Settings
from tests.processes import RunningAssistant

pytestmark = pytest.mark.integration

TICKET = re.compile(r"\bTL-[23456789A-HJKMNP-Z]{5}\b")
ENTRY_PAYLOAD = re.compile(r'^/choose_entry(\{.*\})$')


@pytest.fixture(scope="module")
def knowledge() -> dict[str, KnowledgeEntry]:
    return {located.entry.id: located.entry for located in load_knowledge(PROJECT_ROOT / "knowledge").entries}


class Chat:
    """One citizen's web-widget session."""

    def __init__(self, assistant: RunningAssistant) -> None:
        self.url = f"{assistant.base_url}/api/chat"
        self.session_id = f"it-{uuid.uuid4().hex[:12]}"

    def send(self, text: str) -> list[dict]:
        response = httpx.post(self.url, json={"session_id": self.session_id, "text": text}, timeout=60)
        assert response.status_code == 200, response.text
        messages = response.json()["messages"]
        assert messages, f"no reply to {text!r}"
        return messages


def payloads(messages: list[dict]) -> list[str]:
    return [button["payload"] for message in messages for button in message["buttons"]]


def text_of(messages: list[dict]) -> str:
    return "\n".join(message["text"] for message in messages)


def entry_of(payload: str) -> str:
    match = ENTRY_PAYLOAD.match(payload)
    assert match, payload
    return json.loads(match.group(1))["entry_id"]


def latest_question(text: str) -> QuestionLog:
    with Session(RunningAssistant.database()) as session:
        return session.scalars(select(QuestionLog).where(QuestionLog.text == text)
                               .order_by(QuestionLog.id.desc())).first()


@pytest.mark.parametrize("question", ["Quên mật khẩu đăng nhập VNeID thì lấy lại thế nào?",
                                      "quen mat khau dang nhap vneid thi lay lai the nao"])
def test_question_answered_with_its_source(assistant: RunningAssistant, knowledge: dict, question: str):
    entry = knowledge["dvc-vneid-quen-mat-khau"]
    messages = Chat(assistant).send(question)
    assert entry.answer.strip()[:60] in messages[0]["text"]
    assert f"Nguồn: {entry.source_url}" in messages[0]["text"]
    assert [entry_of(p) for p in payloads(messages[:1])] == entry.related[:3]
    row = latest_question(question)
    rated = f'{{"question":"{row.id}"}}'  # the 👍/👎 name the answer they are shown under
    assert payloads(messages[-1:]) == [f"/feedback_good{rated}", f"/feedback_bad{rated}"]
    assert (row.decision, row.entry_id, row.context_used) == ("answer", entry.id, False)


def test_clarify_buttons_then_choosing_one(choosing_assistant: RunningAssistant, knowledge: dict):
    chat = Chat(choosing_assistant)
    offered = chat.send("cach cai vssid")
    *entry_payloads, none_of_these = payloads(offered)
    assert none_of_these == "/affirm"
    options = [entry_of(p) for p in entry_payloads]
    assert len(options) == 3 and "bhyt-vssid-cai-dat" in options
    assert latest_question("cach cai vssid").decision == "clarify"
    answer = chat.send(entry_payloads[1])
    assert f"Nguồn: {knowledge[options[1]].source_url}" in answer[0]["text"]
    assert knowledge[options[1]].answer.strip()[:60] in answer[0]["text"]


def test_none_of_the_clarify_buttons_passes_the_question_to_the_team(choosing_assistant: RunningAssistant):
    chat = Chat(choosing_assistant)
    question = "cach cai vssid"
    offered = chat.send(question)
    assert "Không phải, nhờ Tổ hỗ trợ" in [b["title"] for m in offered for b in m["buttons"]]
    confirm = chat.send("/affirm")
    assert question in text_of(confirm) and payloads(confirm) == ["/affirm", "/cancel"]
    assert "xã/phường" in text_of(chat.send("/affirm"))


def test_abstain_then_escalation_form_stores_a_ticket(assistant: RunningAssistant):
    chat = Chat(assistant)
    question = "chế độ thương binh liệt sĩ hưởng thế nào"
    offer = chat.send(question)
    assert payloads(offer) == ["/affirm", "/deny"] and "chưa chắc chắn" in text_of(offer)
    confirm = chat.send("/affirm")
    assert question in text_of(confirm) and "Gửi câu hỏi này" in [b["title"] for m in confirm for b in m["buttons"]]
    assert "xã/phường" in text_of(chat.send("/affirm"))
    assert "số điện thoại" in text_of(chat.send("xa tan lap"))  # one commune matches: on to the phone
    consent = chat.send("0912 345 678")
    assert "091****678" in text_of(consent) and "0912345678" not in text_of(consent)
    done = text_of(chat.send("/affirm"))
    [code] = set(TICKET.findall(done))
    status = escalation_status(code, engine=RunningAssistant.database(), settings=Settings())
    assert status is not None and (status.commune_code, status.status) == ("SL03", "open")
    assert code in text_of(chat.send(f"phiếu {code} thế nào rồi?"))


def test_cancel_in_the_middle_of_the_form(assistant: RunningAssistant):
    chat = Chat(assistant)
    assert payloads(chat.send("cho tôi gặp cán bộ")) == ["/cancel"]
    assert "đã huỷ" in text_of(chat.send("thôi"))
    # the form is over: a "yes" now asks nothing more
    assert not TICKET.search(text_of(chat.send("có")))


def test_feedback_is_stored(assistant: RunningAssistant):
    chat = Chat(assistant)
    started = utcnow() - timedelta(seconds=1)
    chat.send("Cài ứng dụng VssID thật ở đâu để không bị cài nhầm ứng dụng giả?")
    reply = chat.send("/feedback_bad")
    assert payloads(reply) == ["/affirm", "/deny"]
    with Session(RunningAssistant.database()) as session:
        rows = session.scalars(select(Feedback).where(Feedback.created_at >= started,
                                                      Feedback.entry_id == "bhyt-vssid-cai-dat")).all()
    assert [(r.rating, r.channel) for r in rows] == [("bad", "web")]
    assert rows[0].question_id == latest_question(
        "Cài ứng dụng VssID thật ở đâu để không bị cài nhầm ứng dụng giả?").id


@pytest.mark.parametrize("text", ["😀😀", "🙏", "???"])
def test_emoji_only_gets_a_polite_reply(assistant: RunningAssistant, text: str):
    assert "chữ" in text_of(Chat(assistant).send(text))


def test_long_text_is_answered_politely_and_too_long_text_refused(assistant: RunningAssistant):
    chat = Chat(assistant)
    long_text = ("Nhà tôi có ba người, tôi muốn hỏi về việc đóng bảo hiểm y tế hộ gia đình và cài VssID. " * 25)[:1990]
    reply = chat.send(long_text)
    assert "ngắn" in text_of(reply) and payloads(reply) == ["/affirm", "/deny"]
    too_long = httpx.post(chat.url, json={"session_id": chat.session_id, "text": "a" * 3000}, timeout=30)
    assert too_long.status_code == 422 and "2000" in too_long.json()["error"]


def test_follow_up_is_read_with_the_previous_question(assistant: RunningAssistant, knowledge: dict):
    chat = Chat(assistant)
    chat.send("Quên mật khẩu đăng nhập VNeID thì lấy lại thế nào?")
    reply = chat.send("thế còn vssid?")
    assert f"Nguồn: {knowledge['bhyt-vssid-quen-mat-khau'].source_url}" in reply[0]["text"]
    row = latest_question("thế còn vssid?")
    assert (row.entry_id, row.context_used) == ("bhyt-vssid-quen-mat-khau", True)


@pytest.mark.parametrize("gibberish", ["xyz", "asdkjh qwe", "???", "hmm", "kkkkk"])
def test_gibberish_is_not_taken_as_yes(assistant: RunningAssistant, gibberish: str):
    chat = Chat(assistant)
    assert payloads(chat.send("chế độ thương binh liệt sĩ hưởng thế nào")) == ["/affirm", "/deny"]
    reply = text_of(chat.send(gibberish))
    assert reply and "đang sống ở xã/phường nào" not in reply
