"""A citizen's tickets in the web widget (Debian's chromium) against the real assistant, end to end: the
escalation form only confirms the commune the page declares, the ticket code is one highlighted copyable code
with what happens next; the citizen's 👍 on the team's answer, pressed after a later answer of the assistant, is
stored as a rating of that ticket and reaches the team row of the dashboard overview; a 👎 on a team's answer
reopens the ticket for the team; after ↻ (confirmed) the reopened ticket's new answer still arrives and
"phiếu của tôi" lists both tickets with their status.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.accounts.users import create_user
from bot.db import make_engine, migrate
from bot.escalations.workflow import Workflow
from bot.models import Feedback
from bot.province import load_province
from bot.settings import Settings
from bot.web.inbox import queue_web_message
from tests.browser.chromium import ARTIFACTS, requires_chromium
from tests.browser.widget_steps import REPLY_TIMEOUT_MS, click_choice, replies_to, type_message, widget
from tests.processes import RunningAssistant

TICKET = re.compile(r"\bTL-[23456789A-HJKMNP-Z]{5}\b")
ADMIN, PASSWORD = "so.tttt", "mật khẩu quản trị thử nghiệm"
MEMBER = "yenhoa_son"  # a member of Xã Yên Hòa's team, the demo portal's commune (data-commune="SL08")
FIRST, SECOND = "Chế độ thương binh liệt sĩ được hưởng những gì?", "Làm sổ đỏ cho đất vườn mất bao lâu?"

pytestmark = [pytest.mark.integration, requires_chromium]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningAssistant, Engine, Settings]]:
    """`trolyso run` on its own database, with an ICT admin account for the dashboard."""
    root = tmp_path_factory.mktemp("widget-tickets")
    settings = Settings(database_url=f"sqlite:///{root / 'tickets.db'}", pseudonym_key="tickets",
                        escalation_outbox_path=root / "outbox.jsonl")
    engine = make_engine(settings.database_url)
    migrate(engine)
    create_user(engine, load_province(settings.communes_file), ADMIN, PASSWORD, "ict_admin", display_name="Sở")
    assistant = RunningAssistant({"DATABASE_URL": settings.database_url, "PSEUDONYM_KEY": "tickets",
                                  "ESCALATION_OUTBOX_PATH": str(settings.escalation_outbox_path),
                                  "DASHBOARD_SECRET_KEY": "tickets-secret"})
    assistant.start()
    yield assistant, engine, settings
    assistant.stop()
    engine.dispose()


def without_copy_buttons(text: str) -> str:
    """A reply's text without the "Chép mã" button a lone ticket code gets."""
    return text.replace(" Chép mã", "")


def escalate(page: Page, question: str) -> str:
    """Pass `question` to the team through the form; the commune of the page is only confirmed."""
    assert "Bạn có muốn chuyển không?" in type_message(page, question)  # an abstention offering the team
    assert question in click_choice(page, "Có, nhờ Tổ hỗ trợ")
    confirm = click_choice(page, "Gửi câu hỏi này")
    assert "Bạn ở Xã Yên Hòa phải không?" in confirm  # data-commune="SL08": not asked again, only confirmed
    assert "số điện thoại" in click_choice(page, "Có, Xã Yên Hòa")
    assert "xã yên hòa" in click_choice(page, "Bỏ qua").lower()
    done = click_choice(page, "Đồng ý")
    assert "Tiếp theo:" in done and "qua khung trò chuyện này" in done  # what happens next, and when
    codes = set(TICKET.findall(done))
    assert len(codes) == 1, done
    return codes.pop()


def team_answers(engine: Engine, settings: Settings, code: str, text: str) -> None:
    """The team answers on the dashboard's behalf: the workflow, then the web inbox delivery."""
    for delivery in Workflow(engine, settings).answer(code, MEMBER, text).deliveries:
        assert delivery.channel == "web"
        queue_web_message(engine, delivery.chat_id, delivery.message)


def team_answer(page: Page, code: str):
    """The team's answer to ticket `code` in the widget, once it has arrived."""
    later = widget(page, ".msg.later").filter(has_text=f"phiếu {code}")
    expect(later.last).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    return later.last


def ratings(engine: Engine) -> list[tuple[str, str | None, str | None]]:
    with Session(engine) as session:
        return [(f.rating, f.ticket_code, f.entry_id) for f in session.scalars(select(Feedback).order_by(Feedback.id))]


def team_row(browser: Browser, base_url: str) -> list[str]:
    """The 👍 and 👎 counts of the team row of the dashboard overview, as the ICT admin sees them."""
    admin = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN").new_page()
    admin.goto(f"{base_url}/dashboard/")
    admin.get_by_label("Tên đăng nhập").fill(ADMIN)
    admin.get_by_label("Mật khẩu").fill(PASSWORD)
    admin.get_by_role("button", name="Đăng nhập").click()
    expect(admin.get_by_role("heading", name="Tổng quan")).to_be_visible()
    row = admin.locator("tr").filter(has=admin.locator("th", has_text=re.compile(r"^Tổ công nghệ số$")))
    cells = row.locator("td").all_inner_texts()[:2]
    admin.context.close()
    return cells


def test_ticket_rating_reopening_restart_and_my_tickets(stack: tuple[RunningAssistant, Engine, Settings],
                                                       browser: Browser):
    assistant, engine, settings = stack
    page = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN").new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=assistant.base_url)
    page.goto(f"{assistant.base_url}/demo")
    widget(page, ".bubble").click()
    first = escalate(page, FIRST)

    code = widget(page, ".msg.bot").last.locator("code.ticket")
    expect(code).to_have_text(first)
    assert code.evaluate("el => [getComputedStyle(el).whiteSpace, el.getClientRects().length]") == ["nowrap", 1]
    copy = widget(page, ".msg.bot").last.get_by_role("button", name=f"Chép mã {first}")
    copy.click()
    expect(copy).to_have_text("Đã chép")
    assert page.evaluate("() => navigator.clipboard.readText()") == first
    page.screenshot(path=str(ARTIFACTS / "widget-ticket-code-360.png"))
    listed = without_copy_buttons(click_choice(page, "Phiếu của tôi"))
    assert f"{first} (gửi ngày " in listed and "đang chờ cán bộ nhận" in listed

    team_answers(engine, settings, first, "Bác mang sổ hộ khẩu và giấy chứng nhận tới xã vào sáng thứ Hai.")
    answer = team_answer(page, first)
    # the citizen asks the assistant something else before rating the team's answer
    assert "Nguồn:" in type_message(page, "Quên mật khẩu đăng nhập VNeID thì lấy lại thế nào?")
    old_thumb = answer.locator("xpath=following-sibling::div[1]").locator(".choice").filter(has_text="Hữu ích")
    assert "Cảm ơn" in replies_to(page, old_thumb.click)
    assert ratings(engine) == [("good", first, None)]  # the team's ticket, not the assistant's latest answer
    assert team_row(browser, assistant.base_url) == ["1", "0"]

    second = escalate(page, SECOND)
    team_answers(engine, settings, second, "Bác hỏi văn phòng đăng ký đất đai nhé.")
    answer = team_answer(page, second)
    thumb_down = answer.locator("xpath=following-sibling::div[1]").locator(".choice").filter(has_text="Chưa giúp được")
    offer = replies_to(page, thumb_down.click)
    assert f"phiếu {second}" in offer and "mở lại phiếu" in offer and "chuyển câu hỏi" not in offer
    assert f"đã mở lại phiếu {second}" in click_choice(page, "Mở lại phiếu để Tổ xem lại")
    assert [t.ticket_code for t in Workflow(engine, settings).queue("SL08")] == [second]  # the team sees it again
    assert ratings(engine)[-1] == ("bad", second, None)
    assert team_row(browser, assistant.base_url) == ["1", "1"]

    widget(page, "button[aria-label='Bắt đầu cuộc trò chuyện mới']").click()
    expect(widget(page, ".confirm")).to_be_visible()
    expect(widget(page, ".confirm")).to_contain_text("phiếu của tôi")
    page.screenshot(path=str(ARTIFACTS / "widget-restart-confirm-360.png"))
    widget(page, ".confirm .choice").filter(has_text="Bắt đầu lại").click()
    expect(widget(page, ".msg.user")).to_have_count(0)
    expect(widget(page, ".msg.bot").first).to_contain_text("Trợ lý số của xã Yên Hòa")

    team_answers(engine, settings, second, "Bác mang giấy tờ đất ra bộ phận một cửa của xã, cán bộ hướng dẫn tiếp.")
    expect(team_answer(page, second)).to_contain_text("bộ phận một cửa")  # still arrives after the restart
    listed = without_copy_buttons(type_message(page, "phiếu của tôi"))
    assert f"{second} (gửi ngày " in listed and f"{first} (gửi ngày " in listed
    assert listed.count("đã có câu trả lời") == 2
    page.screenshot(path=str(ARTIFACTS / "widget-my-tickets-360.png"))
    page.context.close()
