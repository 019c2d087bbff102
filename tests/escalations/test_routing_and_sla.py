"""Routing new escalations to their commune's team group, and the SLA reminders with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from bot.escalations.intake import submit_escalation
from bot.escalations.routing import dispatch_team_notices
from bot.escalations.sla import sla_check
from bot.escalations.workflow import Workflow
from bot.messages import Button
from bot.models import Escalation
from bot.settings import Settings
from tests.escalations.helpers import RecordingNotifier, WordEmbedder, request

START = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)


def test_each_escalation_goes_to_its_communes_team_group_once(workflow: Workflow, engine: Engine,
                                                              settings: Settings) -> None:
    tan_lap = submit_escalation(request(commune="SL03", phone="0912345678", consent=True), engine=engine,
                                settings=settings)
    hoa_binh = submit_escalation(request(commune="SL02"), engine=engine, settings=settings)
    yen_hoa = submit_escalation(request(commune="SL08"), engine=engine, settings=settings)  # team without group
    notifier = RecordingNotifier()
    sent = dispatch_team_notices(workflow, notifier)
    assert [d.ticket_code for d in sent] == [tan_lap, hoa_binh]
    assert [(d.channel, d.chat_id) for d in notifier.sent] == \
        [("telegram", "-1001000000103"), ("telegram", "-1001000000102")]
    text, buttons = notifier.sent[0].message.text, notifier.sent[0].message.buttons
    assert tan_lap in text and "Xã Tân Lập" in text and "091****678" in text and "0912345678" not in text
    assert buttons == [Button("Nhận xử lý", f"claim:{tan_lap}"), Button("Trả lời", f"answer:{tan_lap}")]
    assert dispatch_team_notices(workflow, notifier) == []
    assert len(notifier.sent) == 2
    assert [t.ticket_code for t in workflow.queue("SL08")] == [yen_hoa]  # that team works from the web queue


def test_a_failed_team_notice_is_retried(workflow: Workflow, engine: Engine, settings: Settings) -> None:
    code = submit_escalation(request(), engine=engine, settings=settings)
    flaky = RecordingNotifier(fail=1)
    assert dispatch_team_notices(workflow, flaky) == []
    assert [d.ticket_code for d in dispatch_team_notices(workflow, flaky)] == [code]


def test_merged_escalation_notice_names_the_first_ticket(workflow: Workflow, engine: Engine,
                                                         settings: Settings) -> None:
    embedder = WordEmbedder()
    first = submit_escalation(request(question="VNeID không đăng nhập được", chat_id="a"), engine=engine,
                              settings=settings, embedder=embedder)
    second = submit_escalation(request(question="vneid khong dang nhap duoc", chat_id="b"), engine=engine,
                               settings=settings, embedder=embedder)
    notifier = RecordingNotifier()
    dispatch_team_notices(workflow, notifier)
    assert "giống phiếu" not in notifier.sent[0].message.text
    assert f"giống phiếu {first}" in notifier.sent[1].message.text and second in notifier.sent[1].message.text


def test_a_question_merged_across_communes_is_announced_to_both_teams(workflow: Workflow, engine: Engine,
                                                                      settings: Settings) -> None:
    embedder = WordEmbedder()
    first = submit_escalation(request(question="VNeID không đăng nhập được", commune="SL03", chat_id="a"),
                              engine=engine, settings=settings, embedder=embedder)
    second = submit_escalation(request(question="VNeID không đăng nhập được", commune="SL05", chat_id="b"),
                               engine=engine, settings=settings, embedder=embedder)
    notifier = RecordingNotifier()
    dispatch_team_notices(workflow, notifier)
    assert [d.chat_id for d in notifier.sent] == ["-1001000000103", "-1001000000105"]
    announced = notifier.sent[1].message.text
    assert second in announced and f"giống phiếu {first} (Xã Tân Lập)" in announced


def test_sla_reminds_then_reports_overdue_each_once(engine: Engine, settings: Settings) -> None:
    settings = settings.model_copy(update={"escalation_remind_after_hours": 4, "escalation_overdue_after_hours": 24})
    clock = [START]
    workflow = Workflow(engine, settings, clock=lambda: clock[0])
    waiting = submit_escalation(request(chat_id="a"), engine=engine, settings=settings)
    claimed = submit_escalation(request(chat_id="b"), engine=engine, settings=settings)
    no_group = submit_escalation(request(commune="SL08"), engine=engine, settings=settings)
    with Session(engine) as session:
        session.execute(update(Escalation).values(created_at=START))
        session.commit()
    workflow.claim(claimed, "tanlap_lan")

    assert sla_check(workflow, START + timedelta(hours=3)).reminded == []
    report = sla_check(workflow, START + timedelta(hours=5))
    assert sorted(report.reminded) == sorted([waiting, no_group]) and report.overdue == []
    assert [(d.chat_id, d.ticket_code) for d in report.deliveries] == [("-1001000000103", waiting)]
    assert "chưa có ai nhận xử lý" in report.deliveries[0].message.text
    assert sla_check(workflow, START + timedelta(hours=6)).reminded == []

    clock[0] = START + timedelta(hours=25)
    overdue = sla_check(workflow)
    assert sorted(overdue.overdue) == sorted([waiting, no_group]) and overdue.reminded == []
    assert {d.chat_id for d in overdue.deliveries} == {str(workflow.province.ict_department_chat_id)}
    assert all("Quá hạn" in d.message.text for d in overdue.deliveries)
    assert sla_check(workflow, START + timedelta(hours=48)).overdue == []


def test_late_claim_stops_the_clock(engine: Engine, settings: Settings) -> None:
    workflow = Workflow(engine, settings)
    code = submit_escalation(request(), engine=engine, settings=settings)
    workflow.claim(code, "tanlap_lan")
    report = sla_check(workflow, datetime.now(UTC) + timedelta(days=3))
    assert (report.reminded, report.overdue, report.deliveries) == ([], [], [])


def test_escalations_no_longer_waiting_are_not_announced(workflow: Workflow, engine: Engine,
                                                         settings: Settings) -> None:
    answered = submit_escalation(request(chat_id="a"), engine=engine, settings=settings)
    waiting = submit_escalation(request(chat_id="b", question="Đổi số điện thoại trên VssID thế nào?"),
                                engine=engine, settings=settings)
    with Session(engine) as session:
        session.execute(update(Escalation).where(Escalation.ticket_code == answered).values(status="answered"))
        session.commit()
    notifier = RecordingNotifier()
    assert [d.ticket_code for d in dispatch_team_notices(workflow, notifier)] == [waiting]
    assert dispatch_team_notices(workflow, notifier) == []
