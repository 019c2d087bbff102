"""The community tech team's loop in its Telegram group, through the real handlers and the fake Bot API:
notices, claims (and races), answers by reply / prompt / `/traloi` delivered to Telegram and web citizens,
`/phieu`, refusals. Nothing said in a team group may reach Rasa (it is not running here: a message that
reached it would get the "Rasa is down" apology and a typing action)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sqlalchemy import create_engine

from bot.channels.telegram import team_texts
from bot.channels.telegram import texts as channel_texts
from bot.escalations import texts as escalation_texts
from bot.web.inbox import web_messages_after
from tests.channels.team.desk import (
    HOA_BINH,
    HOA_BINH_GROUP,
    HUNG,
    LAN,
    TAN_LAP_GROUP,
    TUAN,
    Desk,
)
from tests.escalations.helpers import WordEmbedder

CITIZEN = 555001
ANSWER = "Bác mở VNeID, bấm «Quên mật khẩu», nhập số CCCD rồi làm theo mã OTP gửi về điện thoại ạ."


def rating(code: str) -> list[tuple[str, str]]:
    """The 👍/👎 buttons a citizen gets under a team's answer, as (title, callback data)."""
    return [("👍 Hữu ích", f"/feedback_good{json.dumps({'ticket': code})}"),
            ("👎 Chưa giúp được", f"/feedback_bad{json.dumps({'ticket': code})}")]


def nothing_reached_rasa(desk: Desk) -> bool:
    sent = [m.visible_text for m in desk.fake.sent]
    return desk.fake.chat_actions == [] and channel_texts.RASA_DOWN not in sent


async def test_new_escalation_is_posted_once_to_its_team_group_with_both_buttons(desk: Desk):
    code = desk.escalate(str(CITIZEN))
    other = desk.escalate("sess-hb", channel="web", commune=HOA_BINH, question="Cách nộp thuế đất trên mạng?")
    done = await desk.team_round()
    assert done.announced == [code, other]
    (notice,) = desk.fake.messages_to(TAN_LAP_GROUP)
    assert code in notice.visible_text and "Xã Tân Lập" in notice.visible_text
    assert "Tôi quên mật khẩu VNeID, lấy lại thế nào?" in notice.visible_text
    assert notice.buttons == [("Nhận xử lý", f"claim:{code}"), ("Trả lời", f"answer:{code}")]
    assert other in desk.fake.messages_to(HOA_BINH_GROUP)[0].visible_text
    assert (await desk.team_round()).announced == []
    assert len(desk.fake.messages_to(TAN_LAP_GROUP)) == 1


async def test_claim_button_assigns_the_ticket_and_notes_who_under_the_notice(desk: Desk):
    code = desk.escalate(str(CITIZEN))
    await desk.team_round()
    notice = desk.notice(code)
    answer = await desk.press(notice, f"claim:{code}", LAN)
    assert code in answer["text"] and "nhận xử lý" in answer["text"]
    ticket = desk.workflow.get(code)
    assert (ticket.status, ticket.assignee, ticket.assignee_name) == ("claimed", LAN, "Nguyễn Thị Lan")
    assert notice.edits == 1 and "Nguyễn Thị Lan (@tanlap_lan) đã nhận xử lý" in notice.visible_text
    assert notice.buttons == [("Trả lời", f"answer:{code}")]
    again = await desk.press(notice, f"claim:{code}", LAN)
    assert "từ trước" in again["text"] and notice.edits == 1


async def test_of_two_concurrent_claims_one_wins_and_the_other_is_told_who(desk: Desk):
    code = desk.escalate(str(CITIZEN))
    await desk.team_round()
    notice = desk.notice(code)
    lan = desk.fake.callback_query(notice, f"claim:{code}", user_id=7001, username=LAN)
    hung = desk.fake.callback_query(notice, f"claim:{code}", user_id=7002, username=HUNG)
    await asyncio.gather(desk.feed(callback_query=lan), desk.feed(callback_query=hung))
    winner = desk.workflow.get(code).assignee
    assert winner in (LAN, HUNG)
    won, lost = (lan, hung) if winner == LAN else (hung, lan)
    assert "Bạn đã nhận xử lý" in desk.answer_to(won["id"])["text"]
    told = desk.answer_to(lost["id"])
    winner_name = {LAN: "Nguyễn Thị Lan", HUNG: "Vũ Mạnh Hùng"}[winner]
    assert told["show_alert"] and f"đã được {winner_name} nhận xử lý trước" in told["text"]
    assert notice.edits == 1 and winner_name in notice.visible_text


async def test_member_of_another_communes_team_cannot_claim_or_answer(desk: Desk):
    code = desk.escalate(str(CITIZEN))
    await desk.team_round()
    refused = await desk.press(desk.notice(code), f"claim:{code}", TUAN)
    assert refused["show_alert"] and "@hoabinh_tuan chưa có trong danh sách Tổ công nghệ số cộng đồng xã Tân Lập" \
        in refused["text"]
    (reply,) = await desk.say(f"/traloi {code} {ANSWER}", TUAN, chat_id=HOA_BINH_GROUP)
    assert reply.visible_text == team_texts.WRONG_TEAM.format(code=code, commune="Xã Tân Lập")
    (status,) = await desk.say(f"/phieu {code}", TUAN, chat_id=HOA_BINH_GROUP)
    assert "quên mật khẩu" not in status.visible_text  # another commune's question is not shown
    assert desk.workflow.get(code).status == "open"
    assert desk.fake.messages_to(CITIZEN) == []


async def test_non_members_are_refused_politely(desk: Desk):
    code = desk.escalate(str(CITIZEN))
    await desk.team_round()
    notice = desk.notice(code)
    stranger = await desk.press(notice, f"claim:{code}", "khach_vang_lai")
    assert stranger["show_alert"] and "@khach_vang_lai chưa có trong danh sách" in stranger["text"]
    nameless = await desk.press(notice, f"answer:{code}", None)
    assert nameless["text"] == team_texts.NO_USERNAME_ALERT
    (reply,) = await desk.say(ANSWER, "khach_vang_lai", reply_to=notice)
    assert "chưa có trong danh sách" in reply.visible_text
    assert desk.workflow.get(code).status == "open" and notice.edits == 0
    assert desk.fake.messages_to(CITIZEN) == []


async def test_reply_to_the_notice_answers_a_telegram_citizen_with_rating_buttons(desk: Desk):
    code = desk.escalate(str(CITIZEN))
    await desk.team_round()
    notice = desk.notice(code)
    (confirmation,) = await desk.say(ANSWER, HUNG, reply_to=notice)
    assert confirmation.visible_text == team_texts.ANSWER_SENT.format(member="Vũ Mạnh Hùng (@tanlap_hung)", code=code)
    (delivered,) = desk.fake.messages_to(CITIZEN)
    assert ANSWER in delivered.visible_text and code in delivered.visible_text
    assert delivered.buttons == rating(code)
    ticket = desk.workflow.get(code)
    assert (ticket.status, ticket.answer) == ("answered", ANSWER)
    assert notice.buttons == [] and "Vũ Mạnh Hùng (@tanlap_hung) đã trả lời phiếu này" in notice.visible_text
    (late,) = await desk.say("Bổ sung thêm", LAN, reply_to=notice)
    assert late.visible_text == team_texts.ALREADY_ANSWERED.format(code=code)
    assert len(desk.fake.messages_to(CITIZEN)) == 1
    assert nothing_reached_rasa(desk)


async def test_answer_button_prompt_then_reply_delivers_to_a_web_widget_session(desk: Desk):
    code = desk.escalate("sess-web-1", channel="web")
    await desk.team_round()
    notice = desk.notice(code)
    before = len(desk.fake.messages_to(TAN_LAP_GROUP))
    pressed = await desk.press(notice, f"answer:{code}", LAN)
    assert pressed["text"] == team_texts.ANSWER_PROMPTED_ALERT
    (prompt,) = desk.fake.messages_to(TAN_LAP_GROUP)[before:]
    assert prompt.reply_markup["force_reply"] is True and prompt.reply_markup["selective"] is True
    assert prompt.reply_to_message_id == notice.message_id
    assert "@tanlap_lan" in prompt.visible_text and code in prompt.visible_text
    (confirmation,) = await desk.say(ANSWER, LAN, reply_to=prompt)
    assert confirmation.visible_text.startswith("✅ Đã gửi câu trả lời")
    (waiting,) = web_messages_after(desk.engine, "sess-web-1", 0)
    assert ANSWER in waiting.message.text and waiting.message.buttons == escalation_texts.rating_buttons(code)
    assert desk.workflow.get(code).status == "answered"


async def test_one_answer_reaches_every_citizen_of_a_merged_cluster_on_their_channel(desk: Desk):
    embedder = WordEmbedder()
    first = desk.escalate(str(CITIZEN), question="VNeID không đăng nhập được", embedder=embedder)
    second = desk.escalate("sess-web-2", channel="web", question="vneid khong dang nhap duoc", embedder=embedder)
    await desk.team_round()
    await desk.press(desk.notice(first), f"claim:{first}", LAN)
    assert desk.workflow.get(second).assignee == LAN
    (confirmation,) = await desk.say(f"/traloi {first} {ANSWER}", LAN)
    assert second in confirmation.visible_text
    assert ANSWER in desk.fake.messages_to(CITIZEN)[0].visible_text
    assert ANSWER in web_messages_after(desk.engine, "sess-web-2", 0)[0].message.text
    assert {desk.workflow.get(c).status for c in (first, second)} == {"answered"}


async def test_traloi_command_answers_and_explains_every_mistake(desk: Desk):
    code = desk.escalate(str(CITIZEN))
    other = desk.escalate(str(CITIZEN + 1))
    await desk.team_round()

    async def reply(text: str) -> str:
        (sent,) = await desk.say(text, LAN)
        return sent.visible_text

    assert await reply("/traloi") == team_texts.TRALOI_USAGE
    assert await reply("/traloi xin chào") == team_texts.TRALOI_USAGE
    assert await reply("/traloi TL-ZZZZZ Nội dung") == team_texts.UNKNOWN_TICKET.format(code="TL-ZZZZZ")
    assert await reply(f"/traloi {code}") == team_texts.EMPTY_ANSWER.format(code=code)
    assert "dài quá" in await reply(f"/traloi {code} " + "chữ " * 1000)
    assert desk.fake.messages_to(CITIZEN) == []

    loose = code.lower().replace("-", " ")  # "tl 7f3k2", as typed in a hurry
    assert (await reply(f"/traloi@trolyso_test_bot {loose} {ANSWER}")).startswith("✅")
    (delivered,) = desk.fake.messages_to(CITIZEN)
    assert ANSWER in delivered.visible_text and delivered.buttons == rating(code)
    assert await reply(f"/traloi {code} Thêm nữa") == team_texts.ALREADY_ANSWERED.format(code=code)
    desk.workflow.cancel(other, f"telegram:{CITIZEN + 1}")
    assert "đã được huỷ" in await reply(f"/traloi {other} {ANSWER}")
    assert len(desk.fake.messages_to(CITIZEN)) == 1 and desk.fake.messages_to(CITIZEN + 1) == []


async def test_phieu_shows_a_ticket_and_the_waiting_queue(desk: Desk):
    code = desk.escalate(str(CITIZEN))
    later = desk.escalate("sess-3", channel="web", question="Cách cài ứng dụng VssID?")
    await desk.team_round()
    await desk.press(desk.notice(code), f"claim:{code}", HUNG)

    (status,) = await desk.say(f"/phieu {code.lower()}", LAN)
    assert status.visible_text.startswith(f"Phiếu {code} — Xã Tân Lập")
    assert "Vũ Mạnh Hùng (@tanlap_hung)" in status.visible_text and "quên mật khẩu VNeID" in status.visible_text
    (queue,) = await desk.say("/phieu", LAN)
    assert "(2)" in queue.visible_text and queue.visible_text.index(code) < queue.visible_text.index(later)
    assert "Vũ Mạnh Hùng đang xử lý" in queue.visible_text and "chưa ai nhận" in queue.visible_text
    (unknown,) = await desk.say("/phieu TL-ZZZZZ", LAN)
    assert unknown.visible_text == team_texts.UNKNOWN_TICKET.format(code="TL-ZZZZZ")
    (usage,) = await desk.say("/phieu abc", LAN)
    assert usage.visible_text == team_texts.STATUS_USAGE


async def test_team_group_messages_never_reach_rasa(desk: Desk):
    assert await desk.say("Chiều nay tổ họp lúc 3 giờ nhé mọi người", LAN) == []
    (helped,) = await desk.say("@trolyso_test_bot giúp mình với", LAN)
    assert helped.visible_text == team_texts.TEAM_HELP
    (started,) = await desk.say("/start", "khach_vang_lai")
    assert started.visible_text == team_texts.TEAM_HELP
    (unknown,) = await desk.say("/dangky", LAN)
    assert unknown.visible_text == team_texts.UNKNOWN_COMMAND
    assert await desk.say("/lenh@bot_khac_bot", LAN) == []  # another bot's command
    await desk.feed(message=desk.fake.media_message(TAN_LAP_GROUP, "photo", chat_type="supergroup"))
    assert nothing_reached_rasa(desk)
    # an ordinary group (not a team's) still talks to Rasa, which is down here
    (apology,) = await desk.say("@trolyso_test_bot cách cài VNeID", LAN, chat_id=-1009876543210)
    assert apology.visible_text == channel_texts.RASA_DOWN


async def test_reply_to_a_message_not_about_one_ticket_or_without_text_is_explained(desk: Desk):
    (helped,) = await desk.say("@trolyso_test_bot", LAN)
    (reply,) = await desk.say(ANSWER, LAN, reply_to=helped)
    assert reply.visible_text == team_texts.NO_CODE_IN_REPLY
    code = desk.escalate(str(CITIZEN))
    desk.escalate(str(CITIZEN + 1))
    await desk.team_round()
    (queue,) = await desk.say("/phieu", LAN)
    assert code in queue.visible_text
    (reply,) = await desk.say("Cảm ơn bot nhé", LAN, reply_to=queue)  # the list names several tickets
    assert reply.visible_text == team_texts.NO_CODE_IN_REPLY
    assert desk.fake.messages_to(CITIZEN) == []
    sticker = desk.fake.media_message(TAN_LAP_GROUP, "sticker", chat_type="supergroup", user_id=7001, username=LAN,
                                      reply_to=desk.notice(code))
    await desk.feed(message=sticker)
    assert desk.fake.messages_to(TAN_LAP_GROUP)[-1].visible_text == team_texts.TEXT_ONLY_ANSWER
    assert desk.workflow.get(code).status == "open"


async def test_a_database_failure_gets_an_apology_not_a_crash(desk: Desk, tmp_path: Path):
    code = desk.escalate(str(CITIZEN))
    await desk.team_round()
    desk.workflow.engine = create_engine(f"sqlite:///{tmp_path / 'missing-folder' / 'none.db'}")  # cannot be opened
    pressed = await desk.press(desk.notice(code), f"claim:{code}", LAN)
    assert pressed["text"] == team_texts.DATABASE_DOWN
    (reply,) = await desk.say(f"/traloi {code} {ANSWER}", LAN)
    assert reply.visible_text == team_texts.DATABASE_DOWN
    assert nothing_reached_rasa(desk)
