"""The whole escalation loop, end to end: two citizens on the web widget (Debian's chromium) ask a question
the assistant cannot answer and pass it to their commune's team; the team's Telegram group (the fake Bot
API server) is notified, the second question is merged into the first, a member claims the ticket and
answers by replying to the notice; both widgets show the answer without reloading.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.db import make_engine
from bot.escalations.intake import escalation_status
from bot.settings import Settings
from tests.browser.chromium import ARTIFACTS, requires_chromium
from tests.browser.widget_steps import REPLY_TIMEOUT_MS, click_choice, type_message, widget
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.processes import RunningAssistant, free_port

TICKET = re.compile(r"\bTL-[23456789A-HJKMNP-Z]{5}\b")
TAN_LAP_GROUP = -1001000000103  # Xã Tân Lập's team group in config/communes.yml
LAN = {"user_id": 7001, "username": "tanlap_lan"}  # a member of that team
QUESTIONS = ("Chế độ thương binh liệt sĩ được hưởng những gì?", "che do thuong binh liet si duoc huong nhung gi")
ANSWER = ("Chào bác, chế độ ưu đãi người có công do phòng Văn hoá – Xã hội của xã hướng dẫn; "
          "bác mang giấy tờ tới Trung tâm phục vụ hành chính công xã vào sáng thứ Hai nhé.")
TEAM_TIMEOUT_S = 60

pytestmark = [pytest.mark.integration, requires_chromium]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningAssistant, FakeTelegram, str]]:
    """`trolyso run` on its own database, its Telegram channel talking to the fake Bot API server."""
    root = tmp_path_factory.mktemp("escalation-loop")
    database_url = f"sqlite:///{root / 'loop.db'}"
    with FakeTelegram() as fake:
        assistant = RunningAssistant({
            "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.root_url,
            "TELEGRAM_HEALTH_PORT": str(free_port()), "TEAM_LOOP_INTERVAL_SECONDS": "1",
            "DATABASE_URL": database_url, "ESCALATION_OUTBOX_PATH": str(root / "outbox.jsonl"),
            "PSEUDONYM_KEY": "loop",
        })
        assistant.start()
        yield assistant, fake, database_url
        assistant.stop()


def escalate_on_the_widget(browser: Browser, base_url: str, question: str, phone: str | None) -> tuple[Page, str]:
    """A citizen asks `question` on the demo portal's widget and passes it to Xã Tân Lập's team."""
    page = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN").new_page()
    page.goto(f"{base_url}/demo")
    widget(page, ".bubble").click()
    assert "chưa chắc chắn" in type_message(page, question)
    assert question in click_choice(page, "Có, nhờ Tổ hỗ trợ")  # the form shows what it will send
    # the demo portal declares its commune (data-commune="SL08"): only confirmed, and another one may be typed
    assert "Bạn ở Xã Yên Hòa phải không?" in click_choice(page, "Gửi câu hỏi này")
    assert "số điện thoại" in type_message(page, "xa tan lap")
    consent = type_message(page, phone) if phone else click_choice(page, "Bỏ qua")
    assert "xã tân lập" in consent.lower()
    done = click_choice(page, "Đồng ý")
    codes = set(TICKET.findall(done))
    assert len(codes) == 1, done
    return page, codes.pop()


def wait_until(found, what: str):
    """Poll `found()` until it returns something truthy; return that."""
    deadline = time.monotonic() + TEAM_TIMEOUT_S
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def notice_of(fake: FakeTelegram, code: str) -> SentMessage:
    """The team group's notice of ticket `code`, once it has been posted."""
    return wait_until(lambda: next((m for m in fake.messages_to(TAN_LAP_GROUP)
                                    if m.visible_text.split("\n")[0].endswith(code)), None), f"the notice of {code}")


def test_widget_escalation_is_answered_by_the_team_on_telegram_and_reaches_both_citizens(
        stack: tuple[RunningAssistant, FakeTelegram, str], browser: Browser):
    assistant, fake, database_url = stack
    first_page, first = escalate_on_the_widget(browser, assistant.base_url, QUESTIONS[0], "0912 345 678")
    second_page, second = escalate_on_the_widget(browser, assistant.base_url, QUESTIONS[1], None)
    assert first != second  # each citizen keeps a ticket code of their own

    notice = notice_of(fake, first)
    assert "Xã Tân Lập" in notice.visible_text and QUESTIONS[0] in notice.visible_text
    assert "091****678" in notice.visible_text and "0912345678" not in notice.visible_text
    assert f"giống phiếu {first}" in notice_of(fake, second).visible_text  # merged, not separate work

    claim = dict(notice.buttons)["Nhận xử lý"]
    query_id = fake.press_button(notice, claim, **LAN)
    answered = wait_until(lambda: [a for a in fake.callback_answers if a["callback_query_id"] == query_id],
                          "the answer to the claim button")
    assert "nhận xử lý" in answered[0]["text"]
    wait_until(lambda: "Nguyễn Thị Lan" in notice.visible_text, "the notice to name who claimed it")

    before = len(fake.messages_to(TAN_LAP_GROUP))
    fake.send_text(TAN_LAP_GROUP, ANSWER, chat_type="supergroup", reply_to=notice, **LAN)
    confirmation = fake.wait_for_messages(TAN_LAP_GROUP, before + 1, timeout=TEAM_TIMEOUT_S)[before]
    assert second in confirmation.visible_text  # the team is told the merged ticket got the answer too

    for page, code in ((first_page, first), (second_page, second)):
        later = widget(page, ".msg.later").filter(has_text=ANSWER)
        expect(later).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
        expect(later).to_contain_text(f"phiếu {code}")
        expect(widget(page, ".choice").filter(has_text="Hữu ích")).to_have_count(1)
    first_page.screenshot(path=str(ARTIFACTS / "widget-team-answer-360.png"))

    engine = make_engine(database_url)
    try:
        settings = Settings(database_url=database_url)
        views = [escalation_status(code, engine=engine, settings=settings) for code in (first, second)]
    finally:
        engine.dispose()
    assert [(v.status, v.commune_code) for v in views if v] == [("answered", "SL03")] * 2
    assert all(ANSWER in (v.answer or "") for v in views if v)
