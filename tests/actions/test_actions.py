"""The custom actions as Rasa runs them: a tracker in, events and messages out (the actions are thin; what they
say and decide is tested in tests/conversation, this checks the plumbing between Rasa and `bot/`)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.answer import (
    ActionAnswerQuestion,
    ActionChooseTopic,
    ActionDefaultFallback,
    ActionFeedback,
    ActionReopenTicket,
    ActionTicketStatus,
)
from actions.escalation import (
    ActionAskCommune,
    ActionCancel,
    ActionCreateEscalation,
    ActionDeclineOffer,
    ValidateEscalationForm,
)
from actions.runtime import ActionRuntime
from bot.conversation.escalation_form import RESET
from bot.escalations.workflow import Workflow
from bot.models import Escalation, EscalationContact, Feedback, QuestionLog
from tests.actions.conftest import TrackerFor


def run_async(events: Coroutine[Any, Any, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The events of an action that runs as a coroutine (it answers in a worker thread)."""
    return asyncio.run(events)

FILLED_FORM = {"escalation_question": "Xã có lớp hướng dẫn dùng VNeID vào cuối tuần không?", "commune": "SL03",
               "phone": "0912345678", "consent": True, "context_topic": "dich_vu_cong", "offer": "escalation"}


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [message["text"] for message in dispatcher.messages]


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def test_create_escalation_stores_it_and_gives_the_ticket_code(runtime: ActionRuntime, tracker_for: TrackerFor,
                                                                dispatcher: CollectingDispatcher, domain):
    tracker = tracker_for("/affirm", intent="affirm", slots=FILLED_FORM, sender_id="tg:4242001")
    events = run_async(ActionCreateEscalation().run(dispatcher, tracker, domain))
    code = slots(events)["ticket_code"]
    assert events == [SlotSet(name, value) for name, value in {**RESET, "ticket_code": code,
                                                                "home_commune": "SL03"}.items()]
    (said,) = texts(dispatcher)
    assert code in said and "Tổ công nghệ số cộng đồng xã Tân Lập" in said
    with Session(runtime.engine) as session:
        row = session.scalars(select(Escalation).where(Escalation.ticket_code == code)).one()
        phone = session.scalar(select(EscalationContact.phone).where(EscalationContact.escalation_id == row.id))
    assert (row.channel, row.chat_id, row.commune_code, row.topic) == ("telegram", "4242001", "SL03", "dich_vu_cong")
    assert row.question == FILLED_FORM["escalation_question"] and (row.phone_masked, phone) == ("091****678",
                                                                                                "0912345678")
    assert ["citizen", "/affirm"] in row.transcript


def test_create_escalation_without_consent_sends_nothing(runtime: ActionRuntime, tracker_for: TrackerFor,
                                                         dispatcher: CollectingDispatcher, domain):
    tracker = tracker_for("/deny", intent="deny", slots={**FILLED_FORM, "consent": False}, sender_id="web:no-consent")
    events = run_async(ActionCreateEscalation().run(dispatcher, tracker, domain))
    assert events == [SlotSet(name, value) for name, value in RESET.items()]
    assert texts(dispatcher) == ["Vâng, tôi chưa gửi câu hỏi đi. Khi cần, bạn cứ nhắn \"gặp cán bộ\" nhé."]
    with Session(runtime.engine) as session:
        assert session.scalars(select(Escalation).where(Escalation.chat_id == "no-consent")).all() == []


def test_create_escalation_that_cannot_be_stored_apologises(runtime: ActionRuntime, tracker_for: TrackerFor,
                                                            dispatcher: CollectingDispatcher, domain):
    tracker = tracker_for("/affirm", intent="affirm", slots={**FILLED_FORM, "commune": "XX99"})  # not configured
    events = run_async(ActionCreateEscalation().run(dispatcher, tracker, domain))
    assert "ticket_code" not in slots(events) and slots(events) == RESET
    assert texts(dispatcher)[0].startswith("Xin lỗi, tôi chưa gửi được câu hỏi do trục trặc kỹ thuật.")


def test_ticket_status_and_the_citizens_tickets(runtime: ActionRuntime, tracker_for: TrackerFor,
                                               dispatcher: CollectingDispatcher, domain):
    created = [slots(run_async(ActionCreateEscalation().run(
        CollectingDispatcher(), tracker_for(slots=FILLED_FORM, sender_id="web:my-tickets"), domain)))["ticket_code"]
        for _ in range(2)]
    tracker = tracker_for("phiếu của tôi", intent="ask_ticket_status", sender_id="web:my-tickets")
    assert run_async(ActionTicketStatus().run(dispatcher, tracker, domain)) == []
    (listed,) = texts(dispatcher)
    assert all(f"{code} (gửi ngày " in listed for code in created) and "đang chờ cán bộ nhận" in listed
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [f"phiếu {c}" for c in reversed(created)]

    one = CollectingDispatcher()
    run_async(ActionTicketStatus().run(one, tracker_for(f"phiếu {created[0]} thế nào rồi", intent="ask_ticket_status"),
                                       domain))
    assert texts(one)[0].startswith(f"Phiếu {created[0]} (gửi ngày ")

    unknown = CollectingDispatcher()
    run_async(ActionTicketStatus().run(unknown, tracker_for("phiếu TL-ZZZZZ thế nào rồi", intent="ticket_status"),
                                       domain))
    assert texts(unknown) == ["Tôi không tìm thấy phiếu TL-ZZZZZ. Bạn kiểm tra lại mã phiếu giúp tôi nhé."]


def test_a_question_is_answered_logged_and_remembered(runtime: ActionRuntime, tracker_for: TrackerFor,
                                                      dispatcher: CollectingDispatcher, domain):
    question = "Quên mật khẩu đăng nhập VNeID thì lấy lại thế nào?"
    events = run_async(ActionAnswerQuestion().run(dispatcher, tracker_for(question), domain))
    answered = slots(events)
    assert answered["context_question"] == question and answered["context_entry"]
    assert runtime.answerer().retriever.entries[answered["context_entry"]].answer.strip()[:40] in texts(dispatcher)[0]
    rated = f'{{"question":"{answered["question_id"]}"}}'  # the 👍/👎 name the answer they are shown under
    assert [b["payload"] for b in dispatcher.messages[-1]["buttons"]] == [f"/feedback_good{rated}",
                                                                           f"/feedback_bad{rated}"]
    with Session(runtime.engine) as session:
        logged = session.get(QuestionLog, answered["question_id"])
    assert logged is not None and (logged.text, logged.decision, logged.channel) == (question, "answer", "web")


def test_a_ticket_code_in_a_question_gets_the_ticket_status(runtime: ActionRuntime, tracker_for: TrackerFor,
                                                           dispatcher: CollectingDispatcher, domain):
    asked = tracker_for("cho hỏi phiếu tl 22222 sao rồi")
    assert run_async(ActionAnswerQuestion().run(dispatcher, asked, domain)) == []
    assert texts(dispatcher) == ["Tôi không tìm thấy phiếu TL-22222. Bạn kiểm tra lại mã phiếu giúp tôi nhé."]


def test_feedback_is_stored_and_a_thumbs_down_offers_the_team(runtime: ActionRuntime, tracker_for: TrackerFor,
                                                             dispatcher: CollectingDispatcher, domain):
    tracker = tracker_for("/feedback_bad", intent="feedback_bad", sender_id="web:rating-1",
                          slots={"context_entry": "dvc-001", "question_id": None})
    events = run_async(ActionFeedback().run(dispatcher, tracker, domain))
    assert events == [SlotSet("offer", "escalation")]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny"]
    with Session(runtime.engine) as session:
        stored = session.scalars(select(Feedback).where(Feedback.entry_id == "dvc-001")).all()
    assert [(f.rating, f.channel) for f in stored] == [("bad", "web")]


def test_a_rating_of_a_teams_answer_is_stored_against_its_ticket_then_the_ticket_is_reopened(
        runtime: ActionRuntime, tracker_for: TrackerFor, dispatcher: CollectingDispatcher, domain):
    code = slots(run_async(ActionCreateEscalation().run(
        CollectingDispatcher(), tracker_for(slots=FILLED_FORM, sender_id="web:team-rating"), domain)))["ticket_code"]
    Workflow(runtime.engine, runtime.settings).answer(code, "tanlap_lan", "Bạn ra nhà văn hoá thôn sáng thứ Bảy.")
    later = {"context_entry": "dvc-001", "question_id": None}  # the conversation moved on meanwhile
    tracker = tracker_for(f'/feedback_bad{{"ticket": "{code}"}}', intent="feedback_bad", entities={"ticket": code},
                          sender_id="web:team-rating", slots=later)
    assert run_async(ActionFeedback().run(dispatcher, tracker, domain)) == [SlotSet("offer", None)]
    [reopen, no] = dispatcher.messages[0]["buttons"]
    assert reopen["payload"] == f'/reopen_ticket{{"ticket":"{code}"}}' and no["payload"] == "/deny"
    with Session(runtime.engine) as session:
        stored = session.scalars(select(Feedback).where(Feedback.ticket_code == code)).all()
    assert [(f.rating, f.entry_id) for f in stored] == [("bad", None)]

    for sender_id, status in (("web:someone-else", "answered"), ("web:team-rating", "open")):
        said = CollectingDispatcher()
        run_async(ActionReopenTicket().run(said, tracker_for(reopen["payload"], intent="reopen_ticket",
                                                             entities={"ticket": code}, sender_id=sender_id), domain))
        assert Workflow(runtime.engine, runtime.settings).get(code).status == status, texts(said)
    assert f"đã mở lại phiếu {code}" in texts(said)[0]


def test_the_commune_of_the_widgets_page_or_of_an_earlier_ticket_is_only_confirmed(
        runtime: ActionRuntime, tracker_for: TrackerFor, domain):
    on_the_page = tracker_for("/affirm", intent="affirm")
    on_the_page.latest_message["metadata"] = {"commune": "SL08"}  # data-commune="SL08", sent by the gateway
    asked = CollectingDispatcher()
    ActionAskCommune().run(asked, on_the_page, domain)
    assert texts(asked) == ["Bạn ở Xã Yên Hòa phải không? Tôi sẽ gửi câu hỏi tới Tổ công nghệ số cộng đồng "
                            "xã Yên Hòa."]
    yes = tracker_for("có", intent="affirm")
    yes.latest_message["metadata"] = {"commune": "SL08"}
    assert ValidateEscalationForm().validate_commune("có", CollectingDispatcher(), yes, domain) == {"commune": "SL08"}

    remembered = CollectingDispatcher()
    ActionAskCommune().run(remembered, tracker_for("/affirm", intent="affirm", slots={"home_commune": "SL03"}), domain)
    assert texts(remembered)[0].startswith("Bạn ở Xã Tân Lập phải không?")
    other = tracker_for("/deny", intent="deny", slots={"home_commune": "SL03"})
    said = CollectingDispatcher()
    assert ValidateEscalationForm().validate_commune("/deny", said, other, domain) == {"commune": None,
                                                                                       "home_commune": None}
    assert texts(said)[0].startswith("Bạn đang sống ở xã/phường nào?")

    unknown_page = tracker_for("/affirm", intent="affirm")
    unknown_page.latest_message["metadata"] = {"commune": "XX99"}  # not a commune of the province: just asked
    plain = CollectingDispatcher()
    ActionAskCommune().run(plain, unknown_page, domain)
    assert texts(plain)[0].startswith("Bạn đang sống ở xã/phường nào?")


def test_choose_topic_offers_the_topics_questions_or_the_menu(runtime: ActionRuntime, tracker_for: TrackerFor,
                                                             dispatcher: CollectingDispatcher, domain):
    chosen = tracker_for('/choose_topic{"topic":"bhyt_dien_tu"}', intent="choose_topic",
                         entities={"topic": "bhyt_dien_tu"})
    events = run_async(ActionChooseTopic().run(dispatcher, chosen, domain))
    assert slots(events)["context_topic"] == "health_insurance"
    assert all(b["payload"].startswith("/choose_entry") for b in dispatcher.messages[0]["buttons"])
    menu = CollectingDispatcher()
    run_async(ActionChooseTopic().run(menu, tracker_for("menu", intent="menu"), domain))
    assert menu.messages[0]["buttons"][0]["payload"] == '/choose_topic{"topic":"dich_vu_cong"}'


def test_the_form_validates_the_commune(runtime: ActionRuntime, tracker_for: TrackerFor,
                                        dispatcher: CollectingDispatcher, domain):
    form = ValidateEscalationForm()
    assert form.validate_commune("tan lap", dispatcher, tracker_for("tan lap"), domain) == {"commune": "SL03"}
    assert dispatcher.messages == []
    assert form.validate_commune("Hà Nội", dispatcher, tracker_for("Hà Nội"), domain) == {"commune": None}
    assert "Tôi chưa tìm thấy xã/phường" in texts(dispatcher)[0]


def test_a_form_question_is_not_asked_twice(runtime: ActionRuntime, tracker_for: TrackerFor,
                                            dispatcher: CollectingDispatcher, domain):
    assert ActionAskCommune().run(dispatcher, tracker_for("/affirm", intent="affirm"), domain) == []
    assert "xã/phường nào" in texts(dispatcher)[0]
    already = tracker_for("Hà Nội", events=[{"event": "bot", "text": "Tôi chưa tìm thấy xã/phường \"Hà Nội\""}])
    again = CollectingDispatcher()
    ActionAskCommune().run(again, already, domain)
    assert again.messages == []  # the validation just asked again, with the reason


def test_cancel_decline_and_fallback(runtime: ActionRuntime, tracker_for: TrackerFor, domain):
    cancelled = CollectingDispatcher()
    events = ActionCancel().run(cancelled, tracker_for("thôi", intent="cancel",
                                                       latest_action_name="action_deactivate_loop"), domain)
    assert events == [SlotSet(name, value) for name, value in RESET.items()]
    assert texts(cancelled)[0].startswith("Vâng, tôi đã huỷ và chưa gửi câu hỏi đi.")
    declined = CollectingDispatcher()
    assert ActionDeclineOffer().run(declined, tracker_for("không", intent="deny"), domain) == [SlotSet("offer", None)]
    fallback = CollectingDispatcher()
    assert ActionDefaultFallback().run(fallback, tracker_for("???", intent="nlu_fallback"), domain) == \
        [UserUtteranceReverted()]
    assert texts(fallback)[0].startswith("Xin lỗi, tôi chưa hiểu ý bạn.")
