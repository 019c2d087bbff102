"""Feedback is stored; ticket statuses read as Vietnamese sentences."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.conversation.answering import OFFER_ESCALATION
from bot.conversation.buttons import feedback_buttons
from bot.conversation.feedback import RatedAnswer, handle_feedback, rated_answer
from bot.conversation.reopen import reopen_ticket
from bot.conversation.ticket_status import status_sentence, ticket_status_message
from bot.escalations.intake import EscalationStatusView
from bot.escalations.states import InvalidTransition
from bot.escalations.workflow import UnknownTicket
from bot.models import Feedback
from bot.questionlog import record_feedback, record_question
from bot.settings import Settings


def test_feedback_is_stored_and_bad_offers_the_team(engine: Engine, settings: Settings):
    recorder = partial(record_feedback, engine=engine, settings=settings)
    good = handle_feedback("good", RatedAnswer(entry_id="bhyt-vssid-la-gi"), "telegram", "42", recorder)
    bad = handle_feedback("bad", RatedAnswer(entry_id="bhyt-vssid-cai-dat"), "web", "s1", recorder)
    assert good.slots == {"offer": None} and not good.messages[0].buttons
    assert bad.slots == {"offer": OFFER_ESCALATION}
    assert [b.payload for b in bad.messages[0].buttons] == ["/affirm", "/deny"]
    with Session(engine) as session:
        rows = [(f.rating, f.entry_id, f.channel) for f in session.scalars(select(Feedback).order_by(Feedback.id))]
    assert rows == [("good", "bhyt-vssid-la-gi", "telegram"), ("bad", "bhyt-vssid-cai-dat", "web")]


def test_a_rating_of_a_teams_answer_is_stored_against_its_ticket_and_bad_offers_to_reopen_it(
        engine: Engine, settings: Settings):
    recorder = partial(record_feedback, engine=engine, settings=settings)
    good = handle_feedback("good", rated_answer("TL-7F3K2", None, None, 5, "bhyt-vssid-la-gi"), "web", "s1", recorder)
    bad = handle_feedback("bad", rated_answer("TL-22222", None, None, 5, "bhyt-vssid-la-gi"), "web", "s1", recorder)
    assert good.messages[0].text.startswith("Cảm ơn")
    assert "phiếu TL-22222" in bad.messages[0].text and "mở lại phiếu" in bad.messages[0].text
    assert [b.payload for b in bad.messages[0].buttons] == ['/reopen_ticket{"ticket":"TL-22222"}', "/deny"]
    assert bad.slots == {"offer": None}  # not an offer to send the question again
    with Session(engine) as session:
        rows = [(f.rating, f.ticket_code, f.question_id, f.entry_id)
                for f in session.scalars(select(Feedback).order_by(Feedback.id))]
    assert rows == [("good", "TL-7F3K2", None, None), ("bad", "TL-22222", None, None)]


def test_a_button_rates_the_answer_it_was_shown_under(engine: Engine, settings: Settings):
    old = record_question("web", "s1", "quên mật khẩu vneid", "answer", "dvc-vneid-quen-mat-khau", 0.9, {}, False,
                          engine=engine, settings=settings)
    record_question("web", "s1", "vssid là gì", "answer", "bhyt-vssid-la-gi", 0.9, {}, False,
                    engine=engine, settings=settings)
    [good, _] = feedback_buttons(old, "dvc-vneid-quen-mat-khau")
    assert good.payload == f'/feedback_good{{"question":"{old}"}}'
    latest_id, latest_entry = old + 1, "bhyt-vssid-la-gi"  # what the conversation's slots hold now
    rated = rated_answer(None, str(old), None, latest_id, latest_entry)
    handle_feedback("good", rated, "web", "s1", partial(record_feedback, engine=engine, settings=settings))
    typed = rated_answer(None, None, None, latest_id, latest_entry)  # "hữu ích" typed: the last answer
    handle_feedback("bad", typed, "web", "s1", partial(record_feedback, engine=engine, settings=settings))
    by_button = rated_answer(None, None, "bhyt-vssid-cai-dat", latest_id, latest_entry)  # an answer picked by button
    handle_feedback("good", by_button, "web", "s1", partial(record_feedback, engine=engine, settings=settings))
    with Session(engine) as session:
        rows = [(f.rating, f.question_id, f.entry_id) for f in session.scalars(select(Feedback).order_by(Feedback.id))]
    assert rows == [("good", old, "dvc-vneid-quen-mat-khau"), ("bad", latest_id, "bhyt-vssid-la-gi"),
                    ("good", None, "bhyt-vssid-cai-dat")]
    assert [b.payload for b in feedback_buttons(None, "bhyt-vssid-cai-dat")] == [
        '/feedback_good{"entry_id":"bhyt-vssid-cai-dat"}', '/feedback_bad{"entry_id":"bhyt-vssid-cai-dat"}']
    assert [b.payload for b in feedback_buttons()] == ["/feedback_good", "/feedback_bad"]


def test_feedback_survives_a_broken_store():
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("down")

    assert handle_feedback("good", RatedAnswer(1, "x"), "web", "s", broken).messages


def view(status: str, answer: str | None = None) -> EscalationStatusView:
    return EscalationStatusView("TL-7F3K2", status, "SL03", "Xã Tân Lập", datetime(2026, 11, 21, 18, 0, tzinfo=UTC),
                                answer, None)


def test_status_sentences():
    assert "đang chờ cán bộ nhận" in status_sentence(view("open"))
    assert "22/11/2026" in status_sentence(view("open"))  # 18:00 UTC is the next day in Vietnam
    assert "xã Tân Lập" in status_sentence(view("open"))
    assert "đã có cán bộ nhận" in status_sentence(view("claimed"))
    assert status_sentence(view("answered", "Bạn mang thẻ căn cước ra UBND xã.")).endswith(
        "Bạn mang thẻ căn cước ra UBND xã.")
    assert "đã được huỷ" in status_sentence(view("cancelled"))


def test_status_message_without_code_unknown_code_and_outage():
    assert "mã phiếu" in ticket_status_message(None, lambda _code: None).text
    assert "không tìm thấy phiếu TL-22222" in ticket_status_message("TL-22222", lambda _code: None).text

    def down(_code: str) -> EscalationStatusView:
        raise RuntimeError("database down")

    assert "thử lại" in ticket_status_message("TL-22222", down).text
    assert "TL-7F3K2" in ticket_status_message("TL-7F3K2", lambda _code: view("open")).text


def test_my_tickets_lists_each_ticket_with_its_status_and_a_button():
    views = [view("open"), EscalationStatusView("TL-22222", "answered", "SL03", "Xã Tân Lập",
                                                datetime(2026, 11, 20, 3, 0, tzinfo=UTC), "Đã trả lời.", None)]
    message = ticket_status_message(None, lambda _code: None, lambda: views)
    assert "TL-7F3K2 (gửi ngày 22/11/2026): đang chờ cán bộ nhận" in message.text
    assert "TL-22222 (gửi ngày 20/11/2026): đã có câu trả lời" in message.text
    assert [(b.title, b.payload) for b in message.buttons] == [("Xem phiếu TL-7F3K2", "phiếu TL-7F3K2"),
                                                               ("Xem phiếu TL-22222", "phiếu TL-22222")]
    assert "chưa gửi câu hỏi nào" in ticket_status_message(None, lambda _code: None, lambda: []).text

    def down() -> list[EscalationStatusView]:
        raise RuntimeError("database down")

    assert "thử lại" in ticket_status_message(None, lambda _code: None, down).text


def test_reopening_says_what_happens_next_and_explains_refusals():
    reopened: list[str] = []
    done = reopen_ticket("TL-7F3K2", reopened.append)
    assert reopened == ["TL-7F3K2"] and "đã mở lại phiếu TL-7F3K2" in done.messages[0].text
    assert done.slots["ticket_code"] == "TL-7F3K2"

    def refuse(error: Exception):
        def reopen(_code: str) -> None:
            raise error
        return reopen

    assert "không tìm thấy phiếu" in reopen_ticket("TL-7F3K2", refuse(UnknownTicket("x"))).messages[0].text
    waiting = reopen_ticket("TL-7F3K2", refuse(InvalidTransition("TL-7F3K2", "open", "open"))).messages[0].text
    assert "vẫn đang chờ Tổ trả lời" in waiting
    cancelled = reopen_ticket("TL-7F3K2", refuse(InvalidTransition("TL-7F3K2", "cancelled", "open"))).messages[0].text
    assert "đã được huỷ" in cancelled
    assert "trục trặc" in reopen_ticket("TL-7F3K2", refuse(RuntimeError("down"))).messages[0].text
    assert "mã phiếu" in reopen_ticket(None, reopened.append).messages[0].text
