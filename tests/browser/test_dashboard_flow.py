"""End to end in Debian's chromium: an ICT admin promotes a cluster of unanswered questions to a knowledge
entry in the dashboard, and the citizen asking that question on the widget gets the new answer at once,
with nothing restarted. Screenshots of the overview and the FAQ-gap page go to tests/artifacts/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.accounts.users import create_user
from bot.db import make_engine, migrate
from bot.province import load_province
from bot.questionlog import record_question
from bot.settings import Settings
from tests.browser.chromium import ARTIFACTS, requires_chromium
from tests.dashboard.gap_questions import GAP_GROUPS, SINGLE_QUESTIONS
from tests.processes import PROJECT_ROOT, RunningAssistant

ADMIN, PASSWORD = "so.tttt", "mật khẩu quản trị thử nghiệm"
QUESTION = "Chữ ký số cá nhân đăng ký ở đâu?"
ANSWER = ("Để có chữ ký số cá nhân, bạn đăng ký với một nhà cung cấp dịch vụ chứng thực chữ ký số được cấp phép "
          "(mã kiểm tra: KYSO-E2E). Mang theo căn cước khi làm thủ tục.")
REPLY_TIMEOUT_MS = 60_000

pytestmark = [pytest.mark.integration, requires_chromium]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    """`trolyso run` on its own database (seeded with unanswered questions and an admin) and knowledge copy."""
    root = tmp_path_factory.mktemp("dashboard-e2e")
    shutil.copytree(PROJECT_ROOT / "knowledge", root / "knowledge")
    settings = Settings(database_url=f"sqlite:///{root / 'trolyso.db'}", knowledge_dir=root / "knowledge",
                        pseudonym_key="e2e", escalation_outbox_path=root / "outbox.jsonl")
    engine = make_engine(settings.database_url)
    migrate(engine)
    create_user(engine, load_province(settings.communes_file), ADMIN, PASSWORD, "ict_admin",
                display_name="Sở Thông tin và Truyền thông")
    questions = [q for group in GAP_GROUPS.values() for q in group] + SINGLE_QUESTIONS
    for number, text in enumerate(questions * 2):
        record_question("web", f"e2e-{number}", text, "abstain", None, 0.5, {}, False, engine=engine,
                        settings=settings)
    engine.dispose()
    assistant = RunningAssistant({"DATABASE_URL": settings.database_url, "KNOWLEDGE_DIR": str(settings.knowledge_dir),
                                  "PSEUDONYM_KEY": "e2e", "ESCALATION_OUTBOX_PATH": str(root / "outbox.jsonl"),
                                  "DASHBOARD_SECRET_KEY": "e2e-secret"})
    assistant.start()
    yield assistant
    assistant.stop()


def ask_widget(page: Page, text: str):
    """Type a question in the widget and return the assistant's first reply to it."""
    replies = page.locator("#trolyso-widget .msg.bot")
    before = replies.count()
    page.locator("#trolyso-widget #tls-input").fill(text)
    page.locator("#trolyso-widget #tls-input").press("Enter")
    reply = replies.nth(before)
    expect(reply).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(page.locator("#trolyso-widget .typing")).to_be_hidden(timeout=REPLY_TIMEOUT_MS)
    return reply


def test_promote_a_gap_cluster_and_the_widget_answers_it_live(running: RunningAssistant, browser: Browser):
    citizen = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN").new_page()
    citizen.goto(f"{running.base_url}/demo")
    citizen.locator("#trolyso-widget .bubble").click()
    assert "KYSO-E2E" not in ask_widget(citizen, QUESTION).inner_text()

    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    admin.goto(f"{running.base_url}/dashboard/")
    expect(admin).to_have_url(f"{running.base_url}/dashboard/login?next=/dashboard/")
    admin.get_by_label("Tên đăng nhập").fill(ADMIN)
    admin.get_by_label("Mật khẩu").fill(PASSWORD)
    admin.get_by_role("button", name="Đăng nhập").click()
    expect(admin.get_by_role("heading", name="Tổng quan")).to_be_visible()
    admin.screenshot(path=str(ARTIFACTS / "dashboard-overview.png"), full_page=True)

    admin.get_by_role("link", name="Câu hỏi cần bổ sung").click()
    cluster = admin.locator("section.cluster").filter(has_text="chữ ký số cá nhân đăng ký ở đâu").first
    expect(cluster).to_be_visible(timeout=60_000)
    admin.screenshot(path=str(ARTIFACTS / "dashboard-gaps.png"), full_page=True)
    cluster.get_by_role("button", name="Tạo bản nháp mục kiến thức").click()

    expect(admin.get_by_role("heading", name="Bản nháp mục kiến thức")).to_be_visible()
    admin.get_by_label("Chủ đề").select_option("digital_skills")
    admin.get_by_label("Câu hỏi chính").fill(QUESTION)
    alternates = admin.locator("textarea[name=alternates]")
    alternates.fill(alternates.input_value() + "\nđăng ký chữ ký số cho cá nhân ở đâu\nlàm chữ ký số cá nhân")
    admin.locator("textarea[name=answer]").fill(ANSWER)
    admin.get_by_label("Đường dẫn nguồn chính thống").fill("https://rootca.gov.vn")
    admin.get_by_role("button", name="Duyệt và đăng").click()
    expect(admin.locator(".notice")).to_contain_text("Đã duyệt và đăng")
    expect(admin.locator(".answer")).to_contain_text("KYSO-E2E")

    expect(ask_widget(citizen, QUESTION)).to_contain_text("KYSO-E2E", timeout=REPLY_TIMEOUT_MS)
