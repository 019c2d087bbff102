"""A team member's queue in the dashboard: claim, answer (delivered on the citizen's channel), history, close."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.limits import TEAM_ANSWER_CHARS
from bot.web.inbox import web_messages_after
from tests.dashboard.helpers import escalate, post


def test_a_member_sees_only_the_waiting_tickets_of_their_commune(client: TestClient, settings, browser_for):
    engine = client.app.state.dashboard.engine
    mine = escalate(engine, settings, "Đăng ký chữ ký số cá nhân ở đâu?", commune="SL03")
    other = escalate(engine, settings, "Đặt lịch khám bệnh viện tỉnh online thế nào?", commune="SL01")
    page = browser_for("tanlap_lan").get("/dashboard/escalations").text
    assert mine in page and other not in page
    assert "Xã Tân Lập" in page
    province_wide = browser_for("admin").get("/dashboard/escalations", params={"commune": "SL01"}).text
    assert other in province_wide and mine not in province_wide


def test_claim_then_answer_reaches_the_web_citizen_and_moves_the_ticket_to_history(client: TestClient, settings,
                                                                                    browser_for):
    engine = client.app.state.dashboard.engine
    code = escalate(engine, settings, "Tiền hỗ trợ bão lũ có chuyển khoản không?", chat_id="widget-77")
    lan, hung = browser_for("tanlap_lan"), browser_for("tanlap_hung")
    assert post(lan, f"/dashboard/escalations/{code}/claim").status_code == 303
    assert "Bạn đã nhận xử lý phiếu." in lan.get(f"/dashboard/escalations/{code}").text
    post(hung, f"/dashboard/escalations/{code}/claim")
    assert "đã được Nguyễn Thị Lan nhận trước" in hung.get(f"/dashboard/escalations/{code}").text

    answer = "Xã chuyển khoản vào tài khoản ngân hàng chính chủ; bạn mang căn cước lên xã nếu chưa có tài khoản."
    post(lan, f"/dashboard/escalations/{code}/answer", {"text": answer})
    page = lan.get(f"/dashboard/escalations/{code}").text
    assert "Đã trả lời 1 phiếu; đã gửi tới 1 người dân." in page and "Đã trả lời" in page
    [waiting] = web_messages_after(engine, "widget-77", 0)
    assert answer in waiting.message.text and code in waiting.message.text
    assert [b.payload for b in waiting.message.buttons] == [f'/feedback_good{{"ticket": "{code}"}}',
                                                            f'/feedback_bad{{"ticket": "{code}"}}']
    queue = lan.get("/dashboard/escalations").text
    waiting = queue[queue.index("Đang chờ xử lý"):queue.index("Đã xử lý")]
    assert code not in waiting and code in queue[queue.index("Đã xử lý"):]
    post(lan, f"/dashboard/escalations/{code}/close")
    assert "Đã đóng phiếu." in lan.get(f"/dashboard/escalations/{code}").text


def test_an_answer_to_a_telegram_citizen_goes_through_the_telegram_notifier(client: TestClient, settings,
                                                                            browser_for, telegram):
    code = escalate(client.app.state.dashboard.engine, settings, "Làm sổ đỏ online được không?",
                    channel="telegram", chat_id="5550001")
    lan = browser_for("tanlap_lan")
    post(lan, f"/dashboard/escalations/{code}/answer", {"text": "Bạn nộp hồ sơ tại bộ phận một cửa của xã."})
    [delivery] = telegram.sent
    assert (delivery.channel, delivery.chat_id) == ("telegram", "5550001")
    assert "bộ phận một cửa" in delivery.message.text and len(delivery.message.buttons) == 2


def test_a_failed_delivery_is_reported_and_the_ticket_is_still_answered(client: TestClient, settings, browser_for,
                                                                        telegram):
    telegram._fail = 1
    code = escalate(client.app.state.dashboard.engine, settings, "Xem sổ tiêm chủng của con ở đâu?",
                    channel="telegram", chat_id="5550002")
    lan = browser_for("tanlap_lan")
    post(lan, f"/dashboard/escalations/{code}/answer", {"text": "Bạn xem trong ứng dụng VNeID, mục Sức khỏe."})
    page = lan.get(f"/dashboard/escalations/{code}").text
    assert "1 tin chưa gửi được" in page and "Đã trả lời" in page


def test_a_dashboard_answer_is_limited_like_one_from_telegram(client: TestClient, settings, browser_for):
    code = escalate(client.app.state.dashboard.engine, settings, "Đổi thẻ căn cước ở đâu?")
    lan = browser_for("tanlap_lan")
    page = lan.get(f"/dashboard/escalations/{code}").text
    assert f'name="text" rows="6" required maxlength="{TEAM_ANSWER_CHARS}"' in page
    post(lan, f"/dashboard/escalations/{code}/answer", {"text": "Bạn mang giấy hẹn tới công an xã. " * 200})
    answer = client.app.state.dashboard.workflow.get(code).answer
    assert answer is not None and len(answer) == TEAM_ANSWER_CHARS


def test_empty_answers_and_wrong_states_get_a_polite_notice(client: TestClient, settings, browser_for):
    code = escalate(client.app.state.dashboard.engine, settings, "Bằng lái xe máy có phải đổi không?")
    lan = browser_for("tanlap_lan")
    post(lan, f"/dashboard/escalations/{code}/answer", {"text": "   "})
    assert "Câu trả lời đang trống" in lan.get(f"/dashboard/escalations/{code}").text
    post(lan, f"/dashboard/escalations/{code}/close")
    assert "nên không thể làm việc này" in lan.get(f"/dashboard/escalations/{code}").text
    assert lan.get("/dashboard/escalations/TL-ZZZZZ").status_code == 404
    assert post(browser_for("admin"), f"/dashboard/escalations/{code}/claim").status_code == 403


def test_the_answer_reaches_a_telegram_citizen_through_the_bot_api(settings, tmp_path):
    """The real sender against the fake Bot API: sent on the gateway's loop while the route works in a thread."""
    from bot.gateway import create_app
    from tests.dashboard.helpers import login
    from tests.fake_telegram import FakeTelegram

    with FakeTelegram() as fake:
        app = create_app(settings.model_copy(update={"telegram_bot_token": fake.token,
                                                     "telegram_api_base_url": fake.root_url}))
        with TestClient(app) as member:
            code = escalate(app.state.dashboard.engine, settings, "Ký số trên điện thoại thế nào?",
                            channel="telegram", chat_id="777001")
            login(member, "tanlap_lan")
            post(member, f"/dashboard/escalations/{code}/answer", {"text": "Bạn cài ứng dụng ký số của nhà cung cấp."})
            [message] = fake.wait_for_messages(777001, timeout=20)
            assert "Bạn cài ứng dụng ký số của nhà cung cấp." in message.visible_text and code in message.visible_text
            assert [title for title, _ in message.buttons] == ["👍 Hữu ích", "👎 Chưa giúp được"]
            assert "đã gửi tới 1 người dân" in member.get(f"/dashboard/escalations/{code}").text
