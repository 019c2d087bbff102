"""The FAQ-gap clusters with the project's own embedder (`make_embedder(settings)`) on realistic questions."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from bot.gaps.reporter import GapReporter
from bot.questionlog import record_feedback, record_question
from bot.web.dashboard.gaps import CLUSTERS_PER_PAGE
from tests.dashboard.gap_questions import GAP_GROUPS, SINGLE_QUESTIONS
from tests.dashboard.helpers import abstained, escalate

STABLE_GROUPS = ("chu_ky_so", "dat_lich_kham", "tiem_chung")
"""Needs whose wordings share enough words to be one cluster; the others may split (e.g. "sổ đỏ" and "giấy
chứng nhận quyền sử dụng đất" are the same thing in other words) but must never mix with another need."""
DISLIKED = "so tiem chung dien tu cua con xem o dau vay"


@pytest.fixture
def report(client: TestClient, settings):
    services = client.app.state.dashboard
    services.gaps = GapReporter(settings, services.engine, services.knowledge)  # the configured embedder
    engine = services.engine
    clinic = GAP_GROUPS["dat_lich_kham"]
    abstained(engine, settings, *(q for name, qs in GAP_GROUPS.items() for q in qs if name != "dat_lich_kham"),
              *SINGLE_QUESTIONS, *clinic[:3])
    escalate(engine, settings, clinic[3], commune="SL03", chat_id="w-1")
    escalate(engine, settings, clinic[4], commune="SL05", chat_id="w-2")
    answered = record_question("web", "w-3", DISLIKED, "answer", "kns-cai-ung-dung-chinh-thuc", 0.9, {}, False,
                               engine=engine, settings=settings)
    record_feedback(answered, "kns-cai-ung-dung-chinh-thuc", "bad", "web", "w-3", engine=engine, settings=settings)
    return services.gaps.report(services.clock() - timedelta(days=7))


def group_of(text: str) -> str:
    for name, questions in GAP_GROUPS.items():
        if text in questions:
            return name
    if text in SINGLE_QUESTIONS:
        return f"single:{text}"
    return "tiem_chung" if text == DISLIKED else "?"


def test_clusters_keep_needs_apart_and_together(report):
    members: dict[str, set[int]] = defaultdict(set)
    for number, cluster in enumerate(report.clusters):
        groups = {group_of(item.text) for item in cluster.items}
        assert len(groups) == 1, f"cluster {number} mixes {groups}"
        members[groups.pop()].add(number)
    for name in STABLE_GROUPS:
        assert len(members[name]) == 1, f"{name} split into {len(members[name])} clusters"
    assert all(len(members[f"single:{q}"]) == 1 for q in SINGLE_QUESTIONS)
    needs = len(GAP_GROUPS) + len(SINGLE_QUESTIONS)
    assert needs <= len(report.clusters) <= needs + 10
    total = sum(len(q) for q in GAP_GROUPS.values()) + len(SINGLE_QUESTIONS) + 1
    assert report.item_count == total


def test_a_cluster_shows_its_kinds_communes_and_nearest_entry(report):
    clinic = next(c for c in report.clusters if group_of(c.items[0].text) == "dat_lich_kham")
    assert clinic.count == 5 and clinic.kinds == {"abstained": 3, "escalated": 2}
    assert sorted(code for code, _ in clinic.communes) == ["SL03", "SL05"]
    vaccines = next(c for c in report.clusters if group_of(c.items[0].text) == "tiem_chung")
    assert vaccines.kinds == {"abstained": 5, "disliked": 1}
    selling = max((c for c in report.clusters if group_of(c.items[0].text) == "ban_rau"), key=lambda c: c.count)
    assert selling.nearest_entry is not None and selling.nearest_entry.topic == "ocop_ecommerce"
    assert 0 < selling.nearest_score <= 1
    assert all(c.nearest_entry is not None for c in report.clusters)


def test_the_gaps_page_lists_the_clusters_largest_first(client: TestClient, report, browser_for):
    page = browser_for("admin").get("/dashboard/gaps", params={"since": "7d"}).text
    shown = report.clusters[:CLUSTERS_PER_PAGE]  # the first page
    positions = [page.index(f'id="c-{c.key}"') for c in shown]
    assert positions == sorted(positions)
    assert all(f'id="c-{c.key}"' not in page for c in report.clusters[CLUSTERS_PER_PAGE:])
    assert "Xã Tân Lập (1)" in page and "Xã Đông Sơn (1)" in page
    assert str(escape(report.clusters[0].samples[0])) in page
    assert f"{report.item_count} câu hỏi trong {len(report.clusters)} nhóm" in page
