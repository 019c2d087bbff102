"""The team workflow: claim, release, answer a cluster, close, cancel, and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.escalations.intake import citizen_tickets, escalation_status, submit_escalation
from bot.escalations.routing import dispatch_team_notices
from bot.escalations.states import InvalidTransition
from bot.escalations.workflow import NotTeamMember, UnknownTicket, Workflow, WorkflowError
from bot.models import AuditLog, Escalation
from bot.settings import Settings
from tests.escalations.helpers import RecordingNotifier, request


def submit(engine: Engine, settings: Settings, **changes: object) -> str:
    return submit_escalation(request(**changes), engine=engine, settings=settings)


def test_claim_then_answer_then_close(workflow: Workflow, engine: Engine, settings: Settings) -> None:
    code = submit(engine, settings, channel="telegram", chat_id="555")
    outcome = workflow.claim(code, "@TanLap_Lan")
    assert (outcome.won, outcome.assignee, outcome.assignee_name, outcome.claimed) == \
        (True, "tanlap_lan", "Nguyễn Thị Lan", [code])
    reply = "Bạn mở VNeID, chọn «Quên mật khẩu» rồi làm theo hướng dẫn."
    answered = workflow.answer(code, "tanlap_hung", reply)
    assert answered.answered == [code]
    [delivery] = answered.deliveries
    assert (delivery.channel, delivery.chat_id, delivery.ticket_code) == ("telegram", "555", code)
    assert "Quên mật khẩu" in delivery.message.text and "Xã Tân Lập" in delivery.message.text
    assert [b.title for b in delivery.message.buttons] == ["👍 Hữu ích", "👎 Chưa giúp được"]
    view = workflow.get(code)
    assert (view.status, view.assignee, view.answer) == ("answered", "tanlap_lan", reply)
    assert escalation_status(code, engine=engine, settings=settings).answer.startswith("Bạn mở VNeID")
    workflow.close(code, "tanlap_thao")
    assert workflow.get(code).status == "closed"
    with pytest.raises(InvalidTransition, match="'closed' to 'cancelled'"):
        workflow.cancel(code, "tanlap_lan")


def test_the_provinces_tickets_newest_first_by_commune_and_status(workflow: Workflow, engine: Engine,
                                                                   settings: Settings) -> None:
    times = iter(datetime(2025, 8, 1, hour, tzinfo=UTC) for hour in (8, 9, 10))
    timed = Workflow(engine, settings, clock=lambda: next(times))
    first = submit(engine, settings, commune="SL03", chat_id="a")
    second = submit(engine, settings, commune="SL01", chat_id="b")
    third = submit(engine, settings, commune="SL03", chat_id="c")
    timed.claim(third, "tanlap_lan")
    assert [t.ticket_code for t in workflow.tickets()] == [third, second, first]
    assert [t.ticket_code for t in workflow.tickets("SL03")] == [third, first]
    assert [t.ticket_code for t in workflow.tickets("SL03", "open")] == [first]
    assert [t.ticket_code for t in workflow.tickets(limit=1)] == [third]
    assert workflow.tickets("SL99") == []


def test_every_transition_records_its_time(engine: Engine, settings: Settings) -> None:
    times = iter(datetime(2025, 8, 1, hour, tzinfo=UTC) for hour in (8, 9, 10))
    workflow = Workflow(engine, settings, clock=lambda: next(times))
    code = submit(engine, settings)
    workflow.claim(code, "tanlap_lan")
    workflow.answer(code, "tanlap_lan", "Trả lời.")
    workflow.close(code, "tanlap_lan")
    with Session(engine) as session:
        row = session.scalar(select(Escalation).where(Escalation.ticket_code == code))
        assert [row.claimed_at.hour, row.answered_at.hour, row.closed_at.hour] == [8, 9, 10]


def test_only_the_communes_team_may_act(workflow: Workflow, engine: Engine, settings: Settings) -> None:
    code = submit(engine, settings, commune="SL03")
    with pytest.raises(NotTeamMember):
        workflow.claim(code, "hoabinh_tuan")  # member of another commune's team
    with pytest.raises(NotTeamMember):
        workflow.answer(code, "stranger", "…")
    with pytest.raises(UnknownTicket):
        workflow.claim("TL-ZZZZZ", "tanlap_lan")


def test_a_second_claim_loses_and_names_the_winner(workflow: Workflow, engine: Engine, settings: Settings) -> None:
    code = submit(engine, settings)
    assert workflow.claim(code, "tanlap_lan").won
    second = workflow.claim(code, "tanlap_hung")
    assert (second.won, second.assignee_name, second.claimed) == (False, "Nguyễn Thị Lan", [])
    assert workflow.get(code).assignee == "tanlap_lan"


def test_release_gives_the_ticket_back(workflow: Workflow, engine: Engine, settings: Settings) -> None:
    code = submit(engine, settings)
    workflow.claim(code, "tanlap_lan")
    with pytest.raises(WorkflowError, match="someone else"):
        workflow.release(code, "tanlap_hung")
    workflow.release(code, "tanlap_lan")
    view = workflow.get(code)
    assert (view.status, view.assignee, view.claimed_at) == ("open", None, None)
    assert workflow.claim(code, "tanlap_hung").won


def test_invalid_transitions_raise_clear_errors(workflow: Workflow, engine: Engine, settings: Settings) -> None:
    code = submit(engine, settings)
    with pytest.raises(InvalidTransition, match="'open' to 'closed'"):
        workflow.close(code, "tanlap_lan")
    with pytest.raises(InvalidTransition, match="'open' to 'open'"):
        workflow.release(code, "tanlap_lan")
    workflow.answer(code, "tanlap_lan", "Đã trả lời.")
    with pytest.raises(InvalidTransition, match="'answered' to 'answered'"):
        workflow.answer(code, "tanlap_lan", "Lần nữa.")
    with pytest.raises(InvalidTransition, match="'answered' to 'claimed'"):
        workflow.claim(code, "tanlap_hung")
    with pytest.raises(ValueError, match="empty"):
        workflow.answer(submit(engine, settings), "tanlap_lan", "   ")


def test_citizen_or_member_may_cancel_but_nobody_else(workflow: Workflow, engine: Engine, settings: Settings) -> None:
    mine = submit(engine, settings, channel="telegram", chat_id="777")
    with pytest.raises(NotTeamMember):
        workflow.cancel(mine, "telegram:778")
    workflow.cancel(mine, "telegram:777")
    assert workflow.get(mine).status == "cancelled"
    theirs = submit(engine, settings)
    workflow.claim(theirs, "tanlap_lan")
    workflow.cancel(theirs, "tanlap_hung")
    assert workflow.get(theirs).status == "cancelled"
    with pytest.raises(InvalidTransition):
        workflow.answer(theirs, "tanlap_lan", "Muộn rồi.")


def test_full_phone_only_for_the_team_and_audited(workflow: Workflow, engine: Engine, settings: Settings) -> None:
    code = submit(engine, settings, phone="0912345678", consent=True)
    assert workflow.get(code).phone_masked == "091****678"
    with pytest.raises(NotTeamMember):
        workflow.contact_phone(code, "hoabinh_tuan")
    assert workflow.contact_phone(code, "tanlap_lan") == "0912345678"
    with Session(engine) as session:
        audit = session.scalars(select(AuditLog)).all()
    assert [(a.actor, a.action, a.ticket_code) for a in audit] == [("tanlap_lan", "view_phone", code)]


def test_team_queue_lists_waiting_tickets_oldest_first(workflow: Workflow, engine: Engine, settings: Settings) -> None:
    first, second = submit(engine, settings), submit(engine, settings, chat_id="s-2")
    other = submit(engine, settings, commune="SL05")
    done = submit(engine, settings, chat_id="s-3")
    workflow.answer(done, "tanlap_lan", "Xong.")
    assert [t.ticket_code for t in workflow.queue("SL03")] == [first, second]
    assert [t.ticket_code for t in workflow.queue("SL05")] == [other]


def test_the_citizen_reopens_an_answered_ticket_and_the_team_is_told_again(workflow: Workflow, engine: Engine,
                                                                          settings: Settings) -> None:
    code = submit(engine, settings, channel="web", chat_id="w-1")
    workflow.claim(code, "tanlap_lan")
    workflow.answer(code, "tanlap_lan", "Bạn mở VNeID, chọn «Quên mật khẩu».")
    notifier = RecordingNotifier()
    dispatch_team_notices(workflow, notifier)  # the first notice
    with pytest.raises(UnknownTicket):
        workflow.reopen(code, "web", "w-2")  # another citizen's ticket
    workflow.reopen(code, "web", "w-1")
    view = workflow.get(code)
    assert (view.status, view.assignee, view.answered_at) == ("open", None, None)
    assert [t.ticket_code for t in workflow.queue("SL03")] == [code]  # back in the team's queue
    notifier.sent.clear()
    [notice] = dispatch_team_notices(workflow, notifier)
    assert notice.message.text.splitlines()[0] == f"🔁 Người dân mở lại phiếu — phiếu {code}"
    assert "Câu trả lời trước của tổ chưa giúp được người dân: Bạn mở VNeID" in notice.message.text
    with pytest.raises(InvalidTransition, match="'open' to 'open'"):
        workflow.reopen(code, "web", "w-1")  # waiting already
    answered = workflow.answer(code, "tanlap_hung", "Bạn mang căn cước ra xã, cán bộ giúp bạn.")
    assert answered.answered == [code] and workflow.get(code).answer.startswith("Bạn mang căn cước")
    workflow.close(code, "tanlap_hung")
    workflow.reopen(code, "web", "w-1")  # a closed ticket may be reopened too
    assert workflow.get(code).status == "open"


def test_a_citizens_tickets_newest_first(workflow: Workflow, engine: Engine, settings: Settings) -> None:
    first = submit(engine, settings, channel="web", chat_id="w-1")
    submit(engine, settings, channel="web", chat_id="w-2", question="Câu hỏi của người khác về VNeID")
    second = submit(engine, settings, channel="web", chat_id="w-1", commune="SL01",
                    question="Chuyển khoản nhầm thì lấy lại thế nào?")
    workflow.answer(first, "tanlap_lan", "Đã trả lời.")
    views = citizen_tickets("web", "w-1", engine=engine, settings=settings)
    assert [(v.ticket_code, v.status, v.commune_name) for v in views] == [
        (second, "open", "Phường Sơn Lâm"), (first, "answered", "Xã Tân Lập")]
    assert citizen_tickets("telegram", "w-1", engine=engine, settings=settings) == []
    assert [v.ticket_code for v in citizen_tickets("web", "w-1", engine=engine, settings=settings, limit=1)] == [second]
