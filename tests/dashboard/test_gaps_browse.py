"""The FAQ-gap page is searched, filtered (programme, commune, reason, period), sorted and paged."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from bot.questionlog import record_question
from bot.web.dashboard.gaps import CLUSTERS_PER_PAGE
from tests.dashboard.gap_questions import GAP_GROUPS
from tests.dashboard.helpers import abstained, escalate


def _titles(page: str) -> list[str]:
    """The first wording of each cluster shown, in order."""
    return re.findall(r'<h2><span class="count">\d+</span> (.*?)</h2>', page)


@pytest.fixture
def seeded(client: TestClient, settings) -> None:
    engine = client.app.state.dashboard.engine
    abstained(engine, settings, *GAP_GROUPS["so_do"], *GAP_GROUPS["chu_ky_so"])
    record_question("web", "citizen-x", "thủ tục đăng ký kết hôn online cần giấy tờ gì", "abstain", None, 0.5,
                    {"reason": "procedure"}, False, engine=engine, settings=settings)
    escalate(engine, settings, "tiền hỗ trợ bão lũ có được chuyển vào tài khoản ngân hàng không", commune="SL01")


def test_search_finds_clusters_by_words_without_diacritics(browser_for, seeded):
    page = browser_for("admin").get("/dashboard/gaps", params={"q": "chu ky so"}).text
    titles = _titles(page)
    assert titles and all("ký số" in t or "ky so" in t for t in titles)
    assert not any("sổ đỏ" in t for t in titles)


def test_search_finds_a_cluster_by_ticket_code(client: TestClient, settings, browser_for, seeded):
    code = escalate(client.app.state.dashboard.engine, settings, "cấp căn cước cho trẻ em ở đâu", commune="SL03")
    page = browser_for("admin").get("/dashboard/gaps", params={"q": code.lower()}).text
    assert _titles(page) == ["cấp căn cước cho trẻ em ở đâu"]


def test_filters_by_commune_and_reason(browser_for, seeded):
    admin = browser_for("admin")
    by_commune = _titles(admin.get("/dashboard/gaps", params={"commune": "SL01"}).text)
    assert by_commune == ["tiền hỗ trợ bão lũ có được chuyển vào tài khoản ngân hàng không"]
    procedure = _titles(admin.get("/dashboard/gaps", params={"reason": "procedure"}).text)
    assert procedure == ["thủ tục đăng ký kết hôn online cần giấy tờ gì"]
    escalated = _titles(admin.get("/dashboard/gaps", params={"reason": "escalated"}).text)
    assert escalated == by_commune
    assert "Chưa rõ ý" in admin.get("/dashboard/gaps").text  # the reason filter offers every reason


def test_filters_by_programme_of_the_nearest_entry(client: TestClient, browser_for, seeded):
    services = client.app.state.dashboard
    clusters = services.gaps.report(services.clock() - timedelta(days=30)).clusters
    topic = clusters[0].nearest_entry.topic
    expected = [c.samples[0] for c in clusters if c.nearest_entry and c.nearest_entry.topic == topic]
    assert 0 < len(expected) < len(clusters)
    assert _titles(browser_for("admin").get("/dashboard/gaps", params={"topic": topic}).text) == expected


def test_sorting_by_size_or_recency(client: TestClient, settings, browser_for, seeded):
    engine = client.app.state.dashboard.engine
    abstained(engine, settings, "mua vé tàu hỏa online ở đâu")  # the newest, and alone
    admin = browser_for("admin")
    assert _titles(admin.get("/dashboard/gaps", params={"sort": "recent"}).text)[0] == "mua vé tàu hỏa online ở đâu"
    sizes = [int(n) for n in re.findall(r'<h2><span class="count">(\d+)</span>', admin.get("/dashboard/gaps").text)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > 1 and sizes[-1] == 1


def test_pages_of_clusters_keep_the_filters(client: TestClient, settings, browser_for):
    engine = client.app.state.dashboard.engine
    distinct = [f"câu hỏi riêng số {n} về {word}" for n, word in
                enumerate(["xe", "gạo", "cá", "trâu", "lúa", "ngô", "chè", "cam", "bưởi", "mía", "sắn", "tiêu",
                           "điều", "cà phê", "hồ tiêu", "ớt", "tỏi", "hành"])]
    abstained(engine, settings, *distinct)
    admin = browser_for("admin")
    first = admin.get("/dashboard/gaps", params={"sort": "recent"}).text
    assert len(_titles(first)) == CLUSTERS_PER_PAGE
    assert "Trang 1/2" in first and 'href="?since=30d&amp;sort=recent&amp;page=2"' in first
    second = admin.get("/dashboard/gaps", params={"sort": "recent", "page": "2"}).text
    assert len(_titles(second)) == len(distinct) - CLUSTERS_PER_PAGE and not set(_titles(first)) & set(_titles(second))
    assert "Trang 2/2" in second


def test_period_and_bad_values(client: TestClient, settings, browser_for, seeded):
    services = client.app.state.dashboard
    admin = browser_for("admin")
    services.clock.now += timedelta(days=10)
    assert _titles(admin.get("/dashboard/gaps", params={"since": "7d"}).text) == []
    assert _titles(admin.get("/dashboard/gaps", params={"since": "30d"}).text)
    assert admin.get("/dashboard/gaps", params={"topic": "nope", "reason": "x", "sort": "y", "page": "z"}
                     ).status_code == 200
