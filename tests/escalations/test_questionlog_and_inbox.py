"""Question log, feedback, retention purge, and the web inbox that carries team answers to the widget."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, update
from sqlalchemy.orm import Session

from bot.delivery import ChannelNotifier, Delivery, WebInboxNotifier, deliver_all
from bot.escalations.intake import submit_escalation
from bot.escalations.workflow import Workflow
from bot.messages import Button, Message
from bot.models import Feedback, QuestionLog, WebInboxMessage, utcnow
from bot.questionlog import record_feedback, record_question
from bot.settings import Settings
from bot.upkeep import purge_retained
from bot.web.inbox import queue_web_message, web_messages_after
from tests.escalations.helpers import RecordingNotifier, request


def test_questions_are_logged_with_a_pseudonymous_sender(engine: Engine, settings: Settings) -> None:
    first = record_question("telegram", "123456789", "cách cài vssid", "answer", "bhyt-001", 0.91,
                            {"dense": 0.8, "bm25": 12.5}, False, engine=engine, settings=settings)
    second = record_question("telegram", "123456789", "còn trên điện thoại?", "clarify", None, 0.6, {}, True,
                             engine=engine, settings=settings)
    other = record_question("web", "123456789", "xin chào", "abstain", None, 0.1, {}, False,
                            engine=engine, settings=settings)
    with Session(engine) as session:
        rows = {r.id: r for r in session.scalars(select(QuestionLog)).all()}
    assert rows[first].sender == rows[second].sender != rows[other].sender
    assert "123456789" not in rows[first].sender and len(rows[first].sender) == 32
    assert (rows[first].decision, rows[first].entry_id, rows[first].scores) == \
        ("answer", "bhyt-001", {"dense": 0.8, "bm25": 12.5})
    assert rows[second].context_used is True


def test_feedback_is_stored_for_answers_and_team_answers(engine: Engine, settings: Settings) -> None:
    question = record_question("web", "s", "q", "answer", "e-1", 0.9, {}, False, engine=engine, settings=settings)
    record_feedback(question, "e-1", "good", "web", "s", engine=engine, settings=settings)
    record_feedback(None, None, "bad", "telegram", "42", ticket_code="TL-22222", engine=engine, settings=settings)
    with Session(engine) as session:
        rows = session.scalars(select(Feedback).order_by(Feedback.id)).all()
    assert [(r.question_id, r.entry_id, r.rating, r.ticket_code) for r in rows] == \
        [(question, "e-1", "good", None), (None, None, "bad", "TL-22222")]
    with pytest.raises(ValueError, match="rating"):
        record_feedback(None, None, "meh", "web", "s", engine=engine, settings=settings)  # type: ignore[arg-type]


def test_logging_while_the_database_is_down_does_not_raise(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where the database folder should be")
    engine = create_engine(f"sqlite:///{tmp_path / 'blocked' / 'x.db'}")
    settings = Settings(pseudonym_key="k")
    assert record_question("web", "s", "q", "abstain", None, 0.1, {}, False, engine=engine, settings=settings) is None
    record_feedback(None, None, "good", "web", "s", engine=engine, settings=settings)


def test_purge_keeps_only_the_retention_window(engine: Engine, settings: Settings) -> None:
    settings = settings.model_copy(update={"question_log_retention_days": 30})
    old = record_question("web", "s", "old", "answer", "e", 0.9, {}, False, engine=engine, settings=settings)
    new = record_question("web", "s", "new", "answer", "e", 0.9, {}, False, engine=engine, settings=settings)
    record_feedback(old, "e", "good", "web", "s", engine=engine, settings=settings)
    record_feedback(new, "e", "bad", "web", "s", engine=engine, settings=settings)
    queue_web_message(engine, "s", Message("old message"))
    with Session(engine) as session:
        past = utcnow() - timedelta(days=31)
        session.execute(update(QuestionLog).where(QuestionLog.id == old).values(created_at=past))
        session.execute(update(Feedback).where(Feedback.question_id == old).values(created_at=past))
        session.execute(update(WebInboxMessage).values(created_at=past))
        session.commit()
    assert purge_retained(engine, settings) == 3
    with Session(engine) as session:
        assert session.scalars(select(QuestionLog.id)).all() == [new]
        assert session.scalars(select(Feedback.question_id)).all() == [new]
        assert session.scalar(select(func.count()).select_from(WebInboxMessage)) == 0


def test_web_inbox_returns_messages_after_an_id(engine: Engine) -> None:
    first = queue_web_message(engine, "session-a", Message("Xin chào"))
    queue_web_message(engine, "session-b", Message("Không phải của bạn"))
    second = queue_web_message(engine, "session-a", Message("Trả lời", [Button("👍", "/feedback_good")]))
    assert [m.message.text for m in web_messages_after(engine, "session-a", 0)] == ["Xin chào", "Trả lời"]
    [later] = web_messages_after(engine, "session-a", first)
    assert (later.id, later.message) == (second, Message("Trả lời", [Button("👍", "/feedback_good")]))
    assert web_messages_after(engine, "session-a", second) == []


def test_team_answer_reaches_web_and_telegram_citizens(workflow: Workflow, engine: Engine,
                                                        settings: Settings) -> None:
    web = submit_escalation(request(channel="web", chat_id="widget-1"), engine=engine, settings=settings)
    tg = submit_escalation(request(channel="telegram", chat_id="99"), engine=engine, settings=settings)
    telegram = RecordingNotifier()
    notifier = ChannelNotifier({"web": WebInboxNotifier(engine), "telegram": telegram})
    deliveries = workflow.answer(web, "tanlap_lan", "Bạn vào mục Hồ sơ để xem.").deliveries
    deliveries += workflow.answer(tg, "tanlap_lan", "Bạn gọi tổng đài 1900 để được hỗ trợ.").deliveries
    assert deliveries[0].channel == "web"
    assert deliveries[1].channel == "telegram"
    assert deliver_all(deliveries, notifier) == []
    [waiting] = web_messages_after(engine, "widget-1", 0)
    assert "Bạn vào mục Hồ sơ để xem." in waiting.message.text and web in waiting.message.text
    assert waiting.message.buttons[0].payload == f'/feedback_good{{"ticket": "{web}"}}'
    assert [(d.channel, d.chat_id) for d in telegram.sent] == [("telegram", "99")]
    with pytest.raises(ValueError):
        WebInboxNotifier(engine).deliver(Delivery("telegram", "99", Message("x")))
