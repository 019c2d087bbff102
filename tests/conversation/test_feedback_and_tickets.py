"""Feedback is stored; ticket statuses read as Vietnamese sentences."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.conversation.answering import OFFER_ESCALATION
from bot.conversation.feedback import handle_feedback
from bot.conversation.ticket_status import status_sentence, ticket_status_message
from bot.escalations.intake import EscalationStatusView
from bot.models import Feedback
from bot.questionlog import record_feedback
from bot.settings import Settings


def test_feedback_is_stored_and_bad_offers_the_team(engine: Engine, settings: Settings):
    recorder = partial(record_feedback, engine=engine, settings=settings)
    good = handle_feedback("good", None, "bhyt-vssid-la-gi", "telegram", "42", recorder)
    bad = handle_feedback("bad", None, "bhyt-vssid-cai-dat", "web", "s1", recorder)
    assert good.slots == {"offer": None} and not good.messages[0].buttons
    assert bad.slots == {"offer": OFFER_ESCALATION}
    assert [b.payload for b in bad.messages[0].buttons] == ["/affirm", "/deny"]
    with Session(engine) as session:
        rows = [(f.rating, f.entry_id, f.channel) for f in session.scalars(select(Feedback).order_by(Feedback.id))]
    assert rows == [("good", "bhyt-vssid-la-gi", "telegram"), ("bad", "bhyt-vssid-cai-dat", "web")]


def test_feedback_survives_a_broken_store():
    def broken(*_args: object) -> None:
        raise RuntimeError("down")

    assert handle_feedback("good", 1, "x", "web", "s", broken).messages


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
