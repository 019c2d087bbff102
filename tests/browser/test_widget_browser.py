"""The web widget in Debian's chromium (headless, driven by Playwright) against the real assistant.

Screenshots of the widget on a 360×740 phone screen are written to tests/artifacts/ for review.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation.degraded import BUSY_TEXT
from bot.conversation.topics import EXAMPLE_QUESTIONS, MENU
from bot.knowledge.schema import KnowledgeEntry
from bot.knowledge.store import load_knowledge
from bot.messages import Button, Message
from bot.models import Feedback, utcnow
from bot.web.inbox import queue_web_message
from tests.browser.chromium import ARTIFACTS, requires_chromium
from tests.processes import PROJECT_ROOT, RunningAssistant, free_port

PHONE = {"width": 360, "height": 740}
REPLY_TIMEOUT_MS = 30_000
LATER_TIMEOUT_MS = 10_000

pytestmark = [pytest.mark.integration, requires_chromium]


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A fresh phone-sized browser context (empty storage); fails the test on any JavaScript error."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    new_page.on(
        "console",
        lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield new_page
    context.close()
    assert errors == []


def widget(page: Page, selector: str):
    """A locator inside the widget's (open) shadow root."""
    return page.locator(f"#trolyso-widget {selector}")


def focused(page: Page) -> str:
    """The class of the element that has the keyboard focus, looking inside shadow roots."""
    return page.evaluate(
        """() => { let el = document.activeElement;
                   while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
                   return el ? (el.id || el.className || el.tagName) : ""; }"""
    )


def open_with_keyboard(page: Page) -> None:
    """Tab to the chat bubble and press Enter; the input must get the focus."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused(page) == "bubble":
            break
    assert focused(page) == "bubble"
    page.keyboard.press("Enter")
    expect(widget(page, ".panel")).to_be_visible()
    assert focused(page) == "tls-input"


def first_new_reply(page: Page, replies_before: int):
    """The first assistant message after the `replies_before` already shown, once the answer is complete."""
    reply = widget(page, ".msg.bot").nth(replies_before)
    expect(reply).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(widget(page, ".typing")).to_be_hidden()
    return reply


def say(page: Page, text: str):
    """Type a message and send it with Enter, as a citizen would; return the assistant's first reply."""
    replies_before = widget(page, ".msg.bot").count()
    widget(page, "#tls-input").focus()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    return first_new_reply(page, replies_before)


def session_of(page: Page) -> str:
    return page.evaluate("() => localStorage.getItem('trolyso:' + location.origin + ':session')")


@pytest.fixture(scope="module")
def knowledge() -> dict[str, KnowledgeEntry]:
    """The project's knowledge entries by id (what the running assistant answers from)."""
    return {located.entry.id: located.entry for located in load_knowledge(PROJECT_ROOT / "knowledge").entries}


def expect_answer_of(reply, entry: KnowledgeEntry) -> None:
    """`reply` is `entry`'s answer, with its official source as one safe link."""
    expect(reply).to_contain_text(entry.answer.strip()[:60])
    source = reply.locator("a").filter(has_text=entry.source_url)
    expect(source).to_have_count(1)
    # compared as the browser normalises URLs (it adds the "/" of an empty path)
    assert source.get_attribute("href") == reply.evaluate("(_, url) => new URL(url).href", entry.source_url)
    assert source.get_attribute("target") == "_blank"


def chosen_entry(request_body: str | None) -> str:
    """The entry id in the `/choose_entry{...}` payload a clarify button sent."""
    text = json.loads(request_body or "{}")["text"]
    assert text.startswith("/choose_entry{"), text
    return json.loads(text.removeprefix("/choose_entry"))["entry_id"]


def test_keyboard_chat_on_a_phone_screen(assistant: RunningAssistant, page: Page):
    page.goto(f"{assistant.base_url}/demo")
    expect(widget(page, ".bubble")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "widget-closed-360.png"))
    open_with_keyboard(page)
    expect(widget(page, ".msg.bot").first).to_contain_text("Trợ lý số của xã Yên Hòa")  # data-greeting

    reply = say(page, "xin chào")
    expect(widget(page, ".msg.user")).to_have_text(["xin chào"])
    expect(reply).to_contain_text("Xin chào")
    expect(reply).to_contain_text("Trợ lý số")
    assert len(session_of(page)) > 16

    box = widget(page, ".panel").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["height"] <= PHONE["height"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert widget(page, ".bubble").evaluate("el => getComputedStyle(el).position") == "fixed"  # CSP kept styles
    page.screenshot(path=str(ARTIFACTS / "widget-open-360.png"))

    page.keyboard.press("Escape")
    expect(widget(page, ".panel")).to_be_hidden()
    assert focused(page) == "bubble"
    assert widget(page, ".bubble").get_attribute("aria-expanded") == "false"


@pytest.mark.parametrize("question", ["Quên mật khẩu đăng nhập VNeID thì lấy lại thế nào?",
                                      "quen mat khau dang nhap vneid thi lay lai the nao"])
def test_knowledge_question_is_answered_with_its_source_link(assistant: RunningAssistant, page: Page,
                                                            knowledge: dict, question: str):
    page.goto(f"{assistant.base_url}/demo")
    open_with_keyboard(page)
    expect_answer_of(say(page, question), knowledge["dvc-vneid-quen-mat-khau"])
    feedback = widget(page, ".choice")
    expect(feedback.filter(has_text="Hữu ích")).to_have_count(1)
    expect(feedback.filter(has_text="Chưa đúng ý")).to_have_count(1)


def test_clarify_button_then_thumbs_down_is_stored_and_offers_the_team(choosing_assistant: RunningAssistant,
                                                                      page: Page, knowledge: dict):
    page.goto(f"{choosing_assistant.base_url}/demo")
    open_with_keyboard(page)
    say(page, "cách cài vssid")
    offered = widget(page, ".msg.bot").last.locator("xpath=following-sibling::div[1]").locator(".choice")
    expect(offered.first).to_be_visible()
    assert offered.count() == 4  # three questions, and "none of these"
    expect(offered.last).to_have_text("Không phải, nhờ Tổ hỗ trợ")
    page.screenshot(path=str(ARTIFACTS / "widget-clarify-360.png"))

    replies_before = widget(page, ".msg.bot").count()
    with page.expect_request(lambda r: r.url.endswith("/api/chat")) as sent:
        offered.nth(1).click()
    entry = knowledge[chosen_entry(sent.value.post_data)]
    expect_answer_of(first_new_reply(page, replies_before), entry)
    page.screenshot(path=str(ARTIFACTS / "widget-answer-360.png"))

    replies_before = widget(page, ".msg.bot").count()
    clicked_at = utcnow() - timedelta(seconds=1)
    with page.expect_request(lambda r: r.url.endswith("/api/chat")) as sent:
        widget(page, ".choice").filter(has_text="Chưa đúng ý").last.click()
    # an answer picked from a button is rated by its entry
    assert json.loads(sent.value.post_data or "{}")["text"] == f'/feedback_bad{{"entry_id":"{entry.id}"}}'
    expect(first_new_reply(page, replies_before)).to_contain_text("chưa giúp được bạn")
    expect(widget(page, ".choice").filter(has_text="Có, nhờ Tổ hỗ trợ")).to_have_count(1)
    with Session(RunningAssistant.database()) as session:
        ratings = session.scalars(select(Feedback.rating).where(
            Feedback.entry_id == entry.id, Feedback.channel == "web", Feedback.created_at >= clicked_at)).all()
    assert ratings == ["bad"]


def test_html_is_shown_as_text_and_links_are_safe(assistant: RunningAssistant, page: Page):
    page.goto(f"{assistant.base_url}/demo")
    open_with_keyboard(page)
    typed = '<img src=x onerror="window.__typed=1">'
    say(page, typed)
    expect(widget(page, ".msg.user").last).to_have_text(typed)

    server_text = (
        'Thử <img src=x onerror="window.__served=1"> và <b>chữ đậm</b>. '
        "Xem https://dichvucong.gov.vn/p/home/dvc-trang-chu.html. Đừng bấm javascript:alert(1)"
    )
    queue_web_message(RunningAssistant.database(), session_of(page), Message(server_text))
    message = widget(page, ".msg.later").last
    expect(message).to_contain_text('<img src=x onerror="window.__served=1">', timeout=LATER_TIMEOUT_MS)
    expect(message).to_contain_text("<b>chữ đậm</b>")
    assert widget(page, "img").count() == 0 and widget(page, "b").count() == 0
    assert page.evaluate("() => [window.__typed, window.__served]") == [None, None]

    links = message.locator("a")
    expect(links).to_have_count(1)
    assert links.get_attribute("href") == "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"
    assert links.get_attribute("target") == "_blank"
    assert set(links.get_attribute("rel").split()) >= {"noopener", "noreferrer"}


def test_button_sends_its_payload(assistant: RunningAssistant, page: Page):
    page.goto(f"{assistant.base_url}/demo")
    open_with_keyboard(page)
    say(page, "xin chao")
    queue_web_message(RunningAssistant.database(), session_of(page),
                      Message("Bạn muốn chào lại trợ lý không?", [Button("Có, gửi lời chào", "xin chào")]))
    button = widget(page, ".msg.later + .choices .choice")
    expect(button).to_have_text("Có, gửi lời chào", timeout=LATER_TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "widget-button-360.png"))

    sent: list[dict] = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data)) if r.url.endswith("/api/chat") else None)
    replies_before = widget(page, ".msg.bot").count()
    button.click()
    reply = first_new_reply(page, replies_before)
    assert [body["text"] for body in sent] == ["xin chào"]
    assert sent[0]["session_id"] == session_of(page)
    expect(widget(page, ".msg.user").last).to_have_text("Có, gửi lời chào")
    expect(reply).to_contain_text("Trợ lý số")
    expect(button).to_be_disabled()


def test_assistant_buttons_send_their_payload(assistant: RunningAssistant, page: Page):
    page.goto(f"{assistant.base_url}/demo")
    open_with_keyboard(page)
    with page.expect_response(lambda r: r.url.endswith("/api/chat")) as answer:
        say(page, "xin chào")
    offered = [b for m in answer.value.json()["messages"] for b in m["buttons"]]
    assert offered, "the greeting must offer the topic buttons (rule: greet → utter_greet, action_choose_topic)"
    chosen = offered[-1]
    with page.expect_request(lambda r: r.url.endswith("/api/chat")) as sent:
        widget(page, ".choice").filter(has_text=chosen["title"]).last.click()
    assert json.loads(sent.value.post_data)["text"] == chosen["payload"]
    expect(widget(page, ".msg.user").last).to_have_text(chosen["title"])
    expect(widget(page, ".typing")).to_be_hidden(timeout=REPLY_TIMEOUT_MS)


def test_later_message_arrives_without_reload(assistant: RunningAssistant, page: Page):
    page.goto(f"{assistant.base_url}/demo")
    open_with_keyboard(page)
    say(page, "xin chào")
    page.keyboard.press("Escape")

    answer = "Tổ công nghệ số cộng đồng xã Yên Hòa trả lời: bạn mang căn cước tới nhà văn hóa thôn sáng thứ Bảy."
    message_id = queue_web_message(RunningAssistant.database(), session_of(page), Message(answer))
    expect(widget(page, ".badge")).to_have_text("1", timeout=LATER_TIMEOUT_MS)
    assert "1 tin nhắn mới" in widget(page, ".bubble").get_attribute("aria-label")
    widget(page, ".bubble").click()
    expect(widget(page, ".msg.later")).to_contain_text(answer)
    expect(widget(page, ".badge")).to_be_hidden()
    assert page.evaluate("() => localStorage.getItem('trolyso:' + location.origin + ':last-id')") == str(message_id)
    page.screenshot(path=str(ARTIFACTS / "widget-later-message-360.png"))

    page.reload()
    expect(widget(page, ".panel")).to_be_visible()  # the panel stays open across pages of the portal
    expect(widget(page, ".msg.later")).to_contain_text(answer)
    assert focused(page) != "tls-input"  # reopening on a new page does not steal the page's focus
    page.wait_for_timeout(5_000)  # more than two polls of the event stream: the answer is not delivered twice
    expect(widget(page, ".msg.bot").filter(has_text="Tổ công nghệ số cộng đồng xã Yên Hòa")).to_have_count(1)


def test_offline_phone_gets_a_polite_message_and_keeps_the_text(assistant: RunningAssistant, page: Page):
    page.goto(f"{assistant.base_url}/demo")
    open_with_keyboard(page)
    page.context.set_offline(True)
    page.keyboard.type("xin chào")
    page.keyboard.press("Enter")
    expect(widget(page, ".msg.error")).to_contain_text("kiểm tra kết nối mạng")
    expect(widget(page, "#tls-input")).to_have_value("xin chào")
    page.context.set_offline(False)
    replies_before = widget(page, ".msg.bot").count()
    widget(page, "#tls-input").press("Enter")
    expect(first_new_reply(page, replies_before)).to_contain_text("Trợ lý số")


def test_new_conversation_asks_first_and_keeps_the_session(assistant: RunningAssistant, page: Page):
    page.goto(f"{assistant.base_url}/demo")
    open_with_keyboard(page)
    say(page, "xin chào")
    session = session_of(page)
    restart = widget(page, "button[aria-label='Bắt đầu cuộc trò chuyện mới']")
    restart.click()
    confirm = widget(page, ".confirm")
    expect(confirm).to_be_visible()
    assert focused(page) == "choice"  # the question has the focus: "Không, tiếp tục"
    confirm.locator(".choice").filter(has_text="Không, tiếp tục").click()  # pressed by mistake: nothing lost
    expect(confirm).to_be_hidden()
    expect(widget(page, ".msg.user")).to_have_text(["xin chào"])

    restart.click()
    with page.expect_request(lambda r: r.url.endswith("/api/restart")) as sent:
        confirm.locator(".choice").filter(has_text="Bắt đầu lại").click()
    assert json.loads(sent.value.post_data or "{}") == {"session_id": session}
    expect(widget(page, ".msg.user")).to_have_count(0)
    expect(widget(page, ".msg.bot").first).to_contain_text("Trợ lý số của xã Yên Hòa")
    assert session_of(page) == session  # the tickets' answers still reach this session
    replies_before = widget(page, ".msg.bot").count()
    widget(page, ".choice").filter(has_text="Phiếu của tôi").click()  # the tickets stay one tap away
    expect(first_new_reply(page, replies_before)).to_contain_text("chưa gửi câu hỏi nào")


def test_the_greeting_offers_the_topics_and_example_questions(assistant: RunningAssistant, page: Page):
    page.goto(f"{assistant.base_url}/demo")
    open_with_keyboard(page)
    greeting = widget(page, ".msg.bot").first.locator("xpath=following-sibling::div[1]").locator(".choice")
    expect(greeting).to_have_text([topic.title for topic in MENU])
    examples = widget(page, ".msg.bot").nth(1)
    expect(examples).to_have_text("Hoặc bấm một câu hỏi mẫu:")
    expect(examples.locator("xpath=following-sibling::div[1]").locator(".choice")).to_have_text(
        list(EXAMPLE_QUESTIONS))
    assert widget(page, ".log").evaluate("el => el.scrollTop") == 0  # the greeting is read from its first line
    page.screenshot(path=str(ARTIFACTS / "widget-greeting-360.png"))
    replies_before = widget(page, ".msg.bot").count()
    widget(page, ".choice").filter(has_text=EXAMPLE_QUESTIONS[0]).click()
    expect(first_new_reply(page, replies_before)).to_contain_text("Nguồn:")


def test_a_long_answer_opens_at_its_first_line_and_tab_reaches_its_buttons(assistant: RunningAssistant, page: Page,
                                                                          knowledge: dict):
    entry = knowledge["bhyt-tuyen-luat-moi-2025"]
    page.goto(f"{assistant.base_url}/demo")
    open_with_keyboard(page)
    reply = say(page, entry.question)
    expect(reply).to_contain_text(entry.answer.strip()[:40])
    log = widget(page, ".log")
    top = log.evaluate("(el, reply) => reply.getBoundingClientRect().top - el.getBoundingClientRect().top",
                       reply.element_handle())
    assert 0 <= top <= 16, top  # the answer's first line is at the top of the conversation
    assert log.evaluate("el => el.scrollHeight - el.clientHeight - el.scrollTop") > 0  # not scrolled to its end
    page.screenshot(path=str(ARTIFACTS / "widget-long-answer-360.png"))

    buttons = widget(page, ".msg.user ~ .choices .choice:not([disabled])")
    count = buttons.count()
    assert count >= 2  # related questions and 👍/👎
    widget(page, "#tls-input").focus()
    page.keyboard.press("Tab")
    assert focused(page) == "send"
    titles = []
    for _ in range(count):
        page.keyboard.press("Tab")
        titles.append(page.evaluate("() => document.activeElement.shadowRoot.activeElement.textContent"))
    assert titles == buttons.all_text_contents()  # the answer's buttons, in order, right after "Gửi"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") != "trolyso-widget"  # then out of the widget


class HostSite:
    """A partner website on another origin (a static page embedding the widget from the gateway)."""

    def __init__(self, folder: Path, gateway_url: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Trang đối tác</title>'
            f'</head><body><h1>Trang đối tác</h1><script src="{gateway_url}/widget.js" data-position="left" '
            'data-color="#ffcc00"></script></body></html>',
            encoding="utf-8",
        )
        handler = functools.partial(QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture(scope="module")
def partner(tmp_path_factory) -> Iterator[tuple[HostSite, str]]:
    """A gateway alone (Rasa down) allowing one partner origin, and that partner's site."""
    gateway_port = free_port()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    site = HostSite(tmp_path_factory.mktemp("partner"), gateway_url)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'partner.db'}",
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "GATEWAY_PORT": str(gateway_port),
        "WIDGET_ALLOWED_ORIGINS": f"http://127.0.0.1:{site.port}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bot.gateway:gateway", "--factory", "--host", "127.0.0.1",
         "--port", str(gateway_port), "--log-level", "warning"],
        cwd=PROJECT_ROOT, env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{gateway_url}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield site, gateway_url
    finally:
        process.terminate()
        process.wait(timeout=30)
        site.close()


def test_allowed_partner_site_shows_the_servers_reason(partner: tuple[HostSite, str], page: Page):
    site, _ = partner
    page.goto(f"http://127.0.0.1:{site.port}/")
    open_with_keyboard(page)
    bubble_style = widget(page, ".bubble").evaluate("el => [getComputedStyle(el).left, getComputedStyle(el).color]")
    assert bubble_style == ["16px", "rgb(27, 27, 27)"]  # data-position="left"; dark text on the light data-color
    page.keyboard.type("xin chào")
    page.keyboard.press("Enter")
    # Rasa is down: the gateway's degraded reply reaches the page because CORS allows this origin
    expect(widget(page, ".msg.bot").last).to_contain_text(BUSY_TEXT[:60])


def test_partner_site_not_allowed_is_blocked_by_the_browser(partner: tuple[HostSite, str], page: Page):
    site, _ = partner
    page.goto(f"http://localhost:{site.port}/")  # another origin than the allowed http://127.0.0.1:<port>
    open_with_keyboard(page)
    page.keyboard.type("xin chào")
    page.keyboard.press("Enter")
    expect(widget(page, ".msg.error")).to_contain_text("Không kết nối được")
