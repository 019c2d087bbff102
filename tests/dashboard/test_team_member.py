"""What a community tech team member sees on a phone: the live count of new tickets, the notice of a team
without a Telegram group, their own name and commune, the phone number as a `tel:` link, the conversation as
the citizen saw it, and the knowledge entries to send as the answer."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from bot.accounts.users import create_user
from bot.escalations.intake import EscalationRequest, submit_escalation
from bot.web.inbox import web_messages_after
from tests.dashboard.helpers import PASSWORD, escalate, login, post


def _header(page: str) -> str:
    return page[page.index('<header class="top">'):page.index("</header>")]


def test_the_header_names_the_member_and_the_commune_not_the_username_and_code(client: TestClient, browser_for):
    header = _header(browser_for("tanlap_lan").get("/dashboard/escalations").text)
    assert "Nguyễn Thị Lan" in header and "Xã Tân Lập" in header
    assert "tanlap_lan" not in header and "SL03" not in header


def test_the_count_of_new_tickets_is_live_and_in_the_page_title(client: TestClient, settings, browser_for):
    engine = client.app.state.dashboard.engine
    lan = browser_for("tanlap_lan")
    assert lan.get("/dashboard/escalations/count").json() == {"open": 0}
    page = lan.get("/dashboard/escalations").text
    assert "<title>Phiếu hỗ trợ · Trợ lý số</title>" in page
    assert '<script src="/dashboard/static/dashboard.js" defer></script>' in page
    escalate(engine, settings, "Đăng ký chữ ký số cá nhân ở đâu?")
    code = escalate(engine, settings, "Tiền hỗ trợ bão lũ có chuyển khoản không?")
    escalate(engine, settings, "Đặt lịch khám bệnh online thế nào?", commune="SL01")
    assert lan.get("/dashboard/escalations/count").json() == {"open": 2}
    page = lan.get("/dashboard/knowledge").text
    assert "<title>(2) Kho kiến thức · Trợ lý số</title>" in page
    assert re.search(r'id="live-count"[^>]*data-url="/dashboard/escalations/count"[^>]*data-count="2"[^>]*>2<', page)
    post(lan, f"/dashboard/escalations/{code}/claim")
    assert lan.get("/dashboard/escalations/count").json() == {"open": 1}
    assert browser_for("admin").get("/dashboard/escalations/count").json() == {"open": 2}


def test_the_script_of_the_live_count_is_served_and_allowed_by_the_content_security_policy(client: TestClient):
    script = client.get("/dashboard/static/dashboard.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "/escalations/count" not in script.text and "data-url" in script.text  # the page gives the address
    policy = client.get("/dashboard/login").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_count_needs_a_signed_in_team_member_or_ict_admin(client: TestClient, browser_for):
    assert client.get("/dashboard/escalations/count", follow_redirects=False).status_code == 303
    assert browser_for("viewer").get("/dashboard/escalations/count").status_code == 403


def test_a_team_without_a_telegram_group_is_told_it_needs_one(client: TestClient, settings):
    engine = client.app.state.dashboard.engine
    create_user(engine, client.app.state.dashboard.province, "yenhoa_son", PASSWORD, "team_member",
                commune_code="SL08")
    client.app.state.dashboard.settings = settings.model_copy(update={"telegram_bot_token": "123:abc"})
    login(client, "yenhoa_son")
    page = client.get("/dashboard/escalations").text
    assert 'id="no-telegram"' in page and "chưa có nhóm Telegram" in page and "Tổ cần một nhóm Telegram" in page


def test_a_team_with_a_group_is_warned_only_while_the_telegram_channel_is_off(client: TestClient, settings,
                                                                             browser_for):
    lan = browser_for("tanlap_lan")
    assert "Kênh Telegram của trợ lý đang tắt" in lan.get("/dashboard/escalations").text  # no token in the tests
    client.app.state.dashboard.settings = settings.model_copy(update={"telegram_bot_token": "123:abc"})
    assert 'id="no-telegram"' not in lan.get("/dashboard/escalations").text


def test_the_queue_is_a_card_list_on_a_phone(client: TestClient, settings, browser_for):
    escalate(client.app.state.dashboard.engine, settings, "Đăng ký chữ ký số cá nhân ở đâu?")
    page = browser_for("tanlap_lan").get("/dashboard/escalations").text
    assert '<table class="tickets">' in page and 'data-label="Người xử lý"' in page
    css = client.get("/dashboard/static/dashboard.css").text
    phone_rules = css[css.index("@media (max-width: 599px)"):]
    assert "table.tickets thead { display: none; }" in phone_rules
    assert "table.tickets, table.tickets tbody, table.tickets tr, table.tickets td { display: block;" in phone_rules


def test_the_revealed_phone_number_is_a_tel_link(client: TestClient, settings, browser_for):
    code = escalate(client.app.state.dashboard.engine, settings, "Xin gọi lại giúp tôi về VNeID", phone="0912345678")
    lan = browser_for("tanlap_lan")
    post(lan, f"/dashboard/escalations/{code}/claim")
    page = post(lan, f"/dashboard/escalations/{code}/phone", token_page=f"/dashboard/escalations/{code}").text
    assert '<a class="phone" href="tel:0912345678">0912345678</a>' in page


def shown_transcript(client: TestClient, settings, browser_for, chat_id: str, question: str,
                     transcript: list[tuple[str, str]]) -> str:
    """Escalate `question` with `transcript` to Xã Tân Lập and return the transcript list of its ticket page."""
    request = EscalationRequest(channel="web", chat_id=chat_id, question=question, transcript=transcript,
                                commune_code="SL03", phone=None, consent=False, topic=None)
    code = submit_escalation(request, engine=client.app.state.dashboard.engine, settings=settings)
    page = browser_for("tanlap_lan").get(f"/dashboard/escalations/{code}").text
    start = page.index('<ul class="transcript">')
    return page[start:page.index("</ul>", start)]


def test_the_transcript_shows_what_the_citizen_saw_without_form_noise_or_raw_payloads(client: TestClient, settings,
                                                                                       browser_for):
    transcript = [
        ("citizen", '/choose_entry{"entry_id":"bhyt-vssid-cai-dat"}'),
        ("bot", "Bạn tải VssID từ App Store hoặc CH Play, nhà phát triển là Bảo hiểm xã hội Việt Nam."),
        ("bot", "Câu trả lời này có giúp được bạn không?"),
        ("citizen", "/feedback_bad"),
        ("bot", "Bạn có muốn nhờ Tổ công nghệ số cộng đồng hỗ trợ không?"),
        ("citizen", "/deny"),
        ("bot", "Bạn đang sống ở xã/phường nào? Tôi sẽ gửi câu hỏi tới Tổ công nghệ số cộng đồng ở đó "
                "(ví dụ: \"xã Tân Lập\" hoặc \"tan lap\")."),
        ("citizen", "tan lap"),
    ]
    shown = shown_transcript(client, settings, browser_for, "w-9", "VssID báo lỗi khi đăng nhập", transcript)
    assert "/deny" not in shown and "/choose_entry" not in shown and "/feedback_bad" not in shown
    assert "bấm nút «Cài VssID đúng ứng dụng thật»" in shown and "bấm nút «Không»" in shown and "bấm nút «👎" in shown
    assert "Câu trả lời này có giúp được bạn không?" not in shown and "Bạn đang sống ở xã/phường nào?" not in shown
    assert "tan lap" not in shown  # the reply to the form's question left with it
    assert "Trợ lý:</strong> Bạn tải VssID từ App Store" in shown and "Bạn có muốn nhờ Tổ" in shown


def test_the_ticket_page_offers_the_three_nearest_entries_to_send_edited(client: TestClient, settings, browser_for):
    code = escalate(client.app.state.dashboard.engine, settings, "Quên mật khẩu VssID thì lấy lại thế nào?",
                    chat_id="widget-5")
    lan = browser_for("tanlap_lan")
    page = lan.get(f"/dashboard/escalations/{code}").text
    section = page[page.index('id="suggestions"'):]
    forms = re.findall(r'<form method="post" action="/dashboard/escalations/[^"]+/answer" class="stack suggestion">',
                       section)
    assert len(forms) == 3 and section.count("Gửi câu trả lời này") == 3
    first = section[:section.index("</form>")]
    assert "bhyt-vssid-quen-mat-khau" in first  # the nearest entry first
    entry = next(e.entry for e in client.app.state.dashboard.knowledge.load().entries
                 if e.entry.id == "bhyt-vssid-quen-mat-khau")
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", first, re.DOTALL)
    assert textarea and entry.answer.splitlines()[0][:40].replace("\"", "&#34;") in textarea.group(1)
    edited = "Chào bạn, " + entry.answer[:200].rstrip()
    post(lan, f"/dashboard/escalations/{code}/answer", {"text": edited})
    [waiting] = web_messages_after(client.app.state.dashboard.engine, "widget-5", 0)
    assert edited in waiting.message.text
    assert 'id="suggestions"' not in lan.get(f"/dashboard/escalations/{code}").text  # answered: nothing to send


def test_the_ticket_list_is_searched_by_code_and_by_keyword(client: TestClient, settings, browser_for):
    engine = client.app.state.dashboard.engine
    signature = escalate(engine, settings, "Đăng ký chữ ký số cá nhân ở đâu?")
    flood = escalate(engine, settings, "Tiền hỗ trợ bão lũ có chuyển khoản không?")
    other = escalate(engine, settings, "Đặt lịch khám bệnh online thế nào?", commune="SL01")
    admin, lan = browser_for("admin"), browser_for("tanlap_lan")

    def listed(page: str) -> set[str]:
        return set(re.findall(r'href="/dashboard/escalations/(TL-\w+)"', page))

    assert listed(admin.get("/dashboard/escalations", params={"q": f" {flood.lower()} "}).text) == {flood}
    by_words = admin.get("/dashboard/escalations", params={"q": "chu ky so"}).text
    assert listed(by_words) == {signature} and 'value="chu ky so"' in by_words
    assert listed(admin.get("/dashboard/escalations", params={"q": "khám bệnh"}).text) == {other}
    assert listed(admin.get("/dashboard/escalations").text) == {signature, flood, other}
    assert listed(lan.get("/dashboard/escalations", params={"q": "bão lũ"}).text) == {flood}
    assert listed(lan.get("/dashboard/escalations", params={"q": other}).text) == set()  # another commune's


def test_the_ticket_topic_comes_from_the_question_not_from_the_last_answer(client: TestClient, settings,
                                                                           browser_for):
    engine = client.app.state.dashboard.engine
    unrelated = escalate(engine, settings, "Chế độ thương binh liệt sĩ được hưởng những gì?")  # guess: dich_vu_cong
    related = escalate(engine, settings, "Quên mật khẩu VssID thì lấy lại thế nào?")
    lan = browser_for("tanlap_lan")

    def shown(code: str) -> str:
        page = lan.get(f"/dashboard/escalations/{code}").text
        return page[page.index('<dd id="topic">'):page.index("</dd>", page.index('<dd id="topic">'))]

    assert "chưa rõ" in shown(unrelated) and "Dịch vụ công" not in shown(unrelated)
    assert "Bảo hiểm y tế điện tử" in shown(related)


def test_the_transcript_names_the_ticket_buttons_the_citizen_pressed(client: TestClient, settings, browser_for):
    transcript = [
        ("citizen", "/ask_ticket_status"),
        ("citizen", '/reopen_ticket{"ticket":"TL-AB123"}'),
        ("citizen", '/feedback_good{"question":12}'),
    ]
    shown = shown_transcript(client, settings, browser_for, "w-10", "Tổ trả lời chưa đúng ý tôi", transcript)
    assert "bấm nút «Phiếu của tôi»" in shown and "bấm nút «Mở lại phiếu»" in shown and "bấm nút «👍" in shown
    assert "một nút bấm" not in shown and "/reopen_ticket" not in shown
