"""The channel's periodic team job (notices, SLA reminders with an injected clock, overdue notices) on PTB's job
queue, the notifier that sends from worker threads, and the job wired into the running channel process
(in-process, long polling)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.channels.telegram.app import build_application, run_channel, schedule_team_job
from bot.channels.telegram.keyboards import CallbackPayloads
from bot.channels.telegram.outbound import ChannelOutbound
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.teamloop import TeamLoop
from bot.db import make_engine, migrate
from bot.delivery import Delivery, LoopNotifier
from bot.escalations.intake import submit_escalation
from bot.escalations.workflow import Workflow
from bot.messages import Button, Message
from bot.settings import Settings
from bot.web.inbox import web_messages_after
from tests.channels.team.desk import ICT_DEPARTMENT, LAN, TAN_LAP_GROUP, Desk, team_settings
from tests.escalations.helpers import RecordingNotifier, request
from tests.fake_telegram import FakeTelegram
from tests.processes import free_port


async def test_sla_reminds_the_team_exactly_once_then_reports_overdue_once(desk: Desk):
    start = desk.clock.now
    code = desk.escalate("777001")
    assert (await desk.team_round()).announced == [code]
    desk.clock.now = start + timedelta(hours=3)
    assert (await desk.team_round()).reminded == []
    for hours in (5, 6, 7):
        desk.clock.now = start + timedelta(hours=hours)
        await desk.team_round()
    reminders = [m for m in desk.fake.messages_to(TAN_LAP_GROUP) if m.visible_text.startswith("⏰")]
    assert len(reminders) == 1
    assert code in reminders[0].visible_text and "hơn 4 giờ" in reminders[0].visible_text
    assert reminders[0].buttons == [("Nhận xử lý", f"claim:{code}"), ("Trả lời", f"answer:{code}")]
    assert desk.fake.messages_to(ICT_DEPARTMENT) == []

    for hours in (25, 30):
        desk.clock.now = start + timedelta(hours=hours)
        await desk.team_round()
    (overdue,) = desk.fake.messages_to(ICT_DEPARTMENT)
    assert "Quá hạn" in overdue.visible_text and code in overdue.visible_text and "Xã Tân Lập" in overdue.visible_text
    assert len(desk.fake.messages_to(TAN_LAP_GROUP)) == 2  # the notice and the one reminder

    claimed = await desk.press(reminders[0], f"claim:{code}", LAN)  # the reminder's button works too
    assert "Bạn đã nhận xử lý" in claimed["text"] and desk.workflow.get(code).assignee == LAN


async def test_a_reminder_that_could_not_be_sent_is_sent_at_the_next_round(desk: Desk):
    start = desk.clock.now
    code = desk.escalate("777004")
    await desk.team_round()
    desk.fake.blocked_chats.update({TAN_LAP_GROUP, ICT_DEPARTMENT})  # e.g. the bot was removed from both groups
    desk.clock.now = start + timedelta(hours=25)
    failed = await desk.team_round()
    assert (failed.reminded, failed.overdue, failed.failed) == ([code], [code], 2)

    desk.fake.blocked_chats.clear()
    retried = await desk.team_round()
    assert (retried.reminded, retried.overdue, retried.failed) == ([code], [code], 0)
    assert [m for m in desk.fake.messages_to(TAN_LAP_GROUP) if m.visible_text.startswith("⏰")]
    assert len(desk.fake.messages_to(ICT_DEPARTMENT)) == 1
    assert (await desk.team_round()).reminded == []  # sent once, not again


async def test_a_claimed_ticket_gets_no_reminder(desk: Desk):
    code = desk.escalate("777002")
    await desk.team_round()
    await desk.press(desk.notice(code), f"claim:{code}", LAN)
    desk.clock.now += timedelta(hours=30)
    done = await desk.team_round()
    assert (done.reminded, done.overdue) == ([], [])
    assert desk.fake.messages_to(ICT_DEPARTMENT) == []


async def test_a_citizen_who_blocked_the_bot_is_reported_to_the_team(desk: Desk):
    code = desk.escalate("777003")
    await desk.team_round()
    desk.fake.blocked_chats.add(777003)
    (reply,) = await desk.say(f"/traloi {code} Bác thử lại giúp cháu ạ.", LAN)
    assert "Chưa gửi được tới 1 người dân" in reply.visible_text
    assert desk.workflow.get(code).status == "answered"  # the citizen can still ask for it by ticket code


async def test_the_job_survives_an_unusable_database_and_resumes(fake_telegram: FakeTelegram, tmp_path: Path):
    settings = team_settings(fake_telegram, tmp_path)
    engine = make_engine(settings.database_url)  # not migrated yet: every query fails
    notifier = RecordingNotifier()
    workflow = Workflow(engine, settings)
    application, handlers = build_application(settings, workflow)
    try:
        async with application:
            schedule_team_job(application, TeamLoop(workflow, notifier), interval=0.05)
            await application.start()
            try:
                await asyncio.sleep(0.3)
                assert application.job_queue is not None and application.job_queue.jobs()  # still scheduled
                assert notifier.sent == []
                await asyncio.to_thread(migrate, engine)
                code = submit_escalation(request(chat_id="s-1"), engine=engine, settings=settings)
                deadline = time.monotonic() + 10
                while not notifier.sent and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                assert [(d.chat_id, code in d.message.text) for d in notifier.sent] == [(str(TAN_LAP_GROUP), True)]
            finally:
                await application.stop()
    finally:
        assert handlers.team is not None
        await handlers.team.outbound.aclose()
        await handlers.rasa.aclose()
        engine.dispose()


async def test_telegram_notifier_sends_from_worker_threads_only(fake_telegram: FakeTelegram):
    async with TelegramSender(fake_telegram.token, fake_telegram.root_url) as sender:
        notifier = LoopNotifier("telegram", sender, asyncio.get_running_loop())
        buttons = [Button("👍 Hữu ích", '/feedback_good{"ticket": "TL-7F3K2"}')]
        await asyncio.to_thread(notifier.deliver, Delivery("telegram", "424242", Message("Câu trả lời <của tổ>",
                                                                                           buttons)))
        (sent,) = fake_telegram.messages_to(424242)
        assert sent.visible_text == "Câu trả lời <của tổ>"
        assert sent.buttons == [("👍 Hữu ích", '/feedback_good{"ticket": "TL-7F3K2"}')]
        with pytest.raises(ValueError):
            notifier.deliver(Delivery("web", "s-1", Message("x")))
        with pytest.raises(RuntimeError):
            notifier.deliver(Delivery("telegram", "424242", Message("x")))  # on the loop's own thread: would block
        fake_telegram.blocked_chats.add(424243)
        with pytest.raises(Exception, match="blocked"):
            await asyncio.to_thread(notifier.deliver, Delivery("telegram", "424243", Message("x")))


async def test_channel_outbound_queues_web_messages(fake_telegram: FakeTelegram, engine: Engine, settings: Settings):
    outbound = ChannelOutbound(settings, engine, CallbackPayloads())
    try:
        await asyncio.to_thread(outbound.notifier().deliver, Delivery("web", "sess-9", Message("Tổ đã trả lời")))
        assert [m.message.text for m in web_messages_after(engine, "sess-9", 0)] == ["Tổ đã trả lời"]
    finally:
        await outbound.aclose()


async def test_running_channel_posts_notices_and_takes_claims(fake_telegram: FakeTelegram, tmp_path: Path):
    settings = team_settings(fake_telegram, tmp_path, team_loop_interval_seconds=0.2,
                             telegram_health_port=free_port())
    engine = make_engine(settings.database_url)
    migrate(engine)
    stop = asyncio.Event()
    channel = asyncio.create_task(run_channel(settings, stop, Workflow(engine, settings)))
    try:
        code = submit_escalation(request(chat_id="s-run"), engine=engine, settings=settings)
        notice = (await _wait_for(lambda: fake_telegram.messages_to(TAN_LAP_GROUP)))[0]
        assert notice.buttons[0] == ("Nhận xử lý", f"claim:{code}")
        query_id = fake_telegram.press_button(notice, f"claim:{code}", user_id=7001, username=LAN)
        await _wait_for(lambda: [a for a in fake_telegram.callback_answers if a["callback_query_id"] == query_id])
        assert Workflow(engine, settings).get(code).assignee == LAN
        fake_telegram.send_text(TAN_LAP_GROUP, f"/traloi {code} Bác vào mục Cài đặt ạ.", chat_type="supergroup",
                                user_id=7001, username=LAN)
        await _wait_for(lambda: web_messages_after(engine, "s-run", 0))
        assert Workflow(engine, settings).get(code).status == "answered"
    finally:
        stop.set()
        await asyncio.wait_for(channel, timeout=30)
        engine.dispose()


async def _wait_for(found: Callable[[], Sequence[Any]], timeout: float = 20.0) -> Sequence[Any]:
    """Poll `found()` until it returns something truthy; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await asyncio.to_thread(found)
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")
