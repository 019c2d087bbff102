"""A community tech team member's dashboard in Debian's chromium on a 360 px phone: the queue is a card list whose
lines read whole, and a new ticket shows in the menu, the page title and a notice without reloading."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.accounts.users import create_user
from bot.db import make_engine, migrate
from bot.gaps.reporter import GapReporter
from bot.province import load_province
from bot.settings import PROJECT_ROOT
from bot.web.dashboard.render import LIVE_COUNT_SECONDS
from tests.browser.chromium import requires_chromium
from tests.dashboard.helpers import escalate
from tests.escalations.helpers import WordEmbedder
from tests.web.gateway import offline_settings
from tests.web.test_inbox_api import LiveGateway

MEMBER, PASSWORD = "yenhoa_son", "mật khẩu thành viên tổ thử nghiệm"
PHONE = {"width": 360, "height": 740}

assert LIVE_COUNT_SECONDS > 1  # the module whose constant the fixture shortens is loaded

pytestmark = [pytest.mark.integration, requires_chromium]


@pytest.fixture
def gateway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveGateway]:
    """The gateway with a team member of Xã Yên Hòa (no Telegram group) and a live count polled every second."""
    monkeypatch.setattr(sys.modules["bot.web.dashboard.render"], "LIVE_COUNT_SECONDS", 1)
    shutil.copytree(PROJECT_ROOT / "knowledge", tmp_path / "knowledge")
    settings = offline_settings(tmp_path, knowledge_dir=tmp_path / "knowledge", dashboard_secret_key="phone",
                                pseudonym_key="phone", escalation_outbox_path=tmp_path / "outbox.jsonl")
    engine = make_engine(settings.database_url)
    migrate(engine)
    create_user(engine, load_province(settings.communes_file), MEMBER, PASSWORD, "team_member", commune_code="SL08")
    with LiveGateway(settings) as live:
        services = live.app.state.dashboard
        services.gaps = GapReporter(settings, services.engine, services.knowledge, embedder=WordEmbedder(),
                                    cache_path=tmp_path / "embeddings.sqlite")
        live.settings = settings
        yield live


def signed_in(browser: Browser, gateway: LiveGateway) -> Page:
    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    page.goto(f"{gateway.base_url}/dashboard/escalations")
    page.get_by_label("Tên đăng nhập").fill(MEMBER)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Phiếu hỗ trợ · Xã Yên Hòa")).to_be_visible()
    return page


def test_the_queue_is_a_card_list_that_reads_on_a_phone(browser: Browser, gateway: LiveGateway):
    engine = gateway.app.state.dashboard.engine
    escalate(engine, gateway.settings, "Tiền hỗ trợ bão lũ có được chuyển vào tài khoản ngân hàng không ạ?",
             commune="SL08")
    page = signed_in(browser, gateway)
    card = page.locator("table.tickets tbody tr").first
    expect(page.locator("table.tickets thead")).to_be_hidden()
    question = card.locator("td.q")
    assert question.bounding_box()["width"] > 250  # the whole card's width: no word-per-line column
    assignee = card.locator('td[data-label="Người xử lý"]')
    box = assignee.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # "Người xử lý" is not cut off
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing scrolls sideways
    assert "Người xử lý" in page.evaluate(
        "getComputedStyle(document.querySelector('td[data-label=\"Người xử lý\"]'), '::before').content")


def test_a_new_ticket_shows_in_the_menu_the_title_and_a_notice_without_reloading(browser: Browser,
                                                                                  gateway: LiveGateway):
    page = signed_in(browser, gateway)
    expect(page.locator("#no-telegram")).to_contain_text("chưa có nhóm Telegram")
    expect(page.locator("#live-count")).to_be_hidden()
    assert page.title() == "Phiếu hỗ trợ · Trợ lý số"
    escalate(gateway.app.state.dashboard.engine, gateway.settings, "Cài VNeID mức 2 ở đâu?", commune="SL08")
    expect(page.locator("#live-count")).to_have_text("1", timeout=10_000)
    expect(page).to_have_title("(1) Phiếu hỗ trợ · Trợ lý số")
    expect(page.locator("#new-tickets")).to_be_visible()
    page.locator("#new-tickets a").click()
    expect(page.locator("table.tickets")).to_contain_text("Cài VNeID mức 2 ở đâu?")
