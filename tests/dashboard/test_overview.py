"""The overview: questions by programme and day, decision shares, ratings, escalations and service times."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from bot.analytics import build_overview, question_topic, share_text
from bot.escalations.workflow import Workflow
from bot.models import Escalation
from bot.questionlog import record_feedback, record_question
from bot.web.dashboard import charts
from bot.web.dashboard.charts import nice_scale
from tests.dashboard.helpers import escalate


def seed(client: TestClient, settings) -> tuple[str, str]:
    engine = client.app.state.dashboard.engine
    log = [("bhyt-vssid-la-gi", "answer"), ("bhyt-vssid-cai-dat", "answer"), ("dvc-cai-dat-vneid", "answer"),
           (None, "clarify"), (None, "abstain"), (None, "abstain"), (None, "gibberish")]
    ids = []
    for number, (entry_id, decision) in enumerate(log):
        scores = {"candidates": [{"entry_id": "tt-phi-chuyen-khoan"}]} if decision == "abstain" else {}
        ids.append(record_question("web", f"s{number}", "câu hỏi", decision, entry_id, 0.9, scores, False,
                                   engine=engine, settings=settings))
    for question_id, rating in ((ids[0], "good"), (ids[1], "good"), (ids[2], "bad")):
        record_feedback(question_id, None, rating, "web", "s", engine=engine, settings=settings)
    fast = escalate(engine, settings, "Chữ ký số cá nhân đăng ký ở đâu?", commune="SL03")
    late = escalate(engine, settings, "Làm sổ đỏ online được không?", commune="SL01")
    record_feedback(None, None, "good", "web", "s", ticket_code=fast, engine=engine, settings=settings)
    created = Workflow(engine, settings).get(fast).created_at
    Workflow(engine, settings, clock=lambda: created + timedelta(minutes=30)).claim(fast, "tanlap_lan")
    Workflow(engine, settings, clock=lambda: created + timedelta(minutes=90)).answer(fast, "tanlap_lan", "Trả lời.")
    with engine.begin() as connection:
        connection.execute(update(Escalation).where(Escalation.ticket_code == late)
                           .values(created_at=client.app.state.dashboard.clock() - timedelta(hours=30)))
    return fast, late


def test_the_figures(client: TestClient, settings):
    _, late = seed(client, settings)
    services = client.app.state.dashboard
    now = services.clock() + timedelta(minutes=1)
    entries = [located.entry for located in services.knowledge.load().entries]
    data = build_overview(services.engine, services.province, entries, now - timedelta(days=7), now,
                          timedelta(hours=24))
    assert data.questions == 7 and data.escalations == 2
    assert dict(data.decisions) == {"answer": 3, "clarify": 1, "abstain": 2, "other": 1}
    totals = {topic: sum(days) for topic, days in data.questions_per_day.items()}
    assert totals == {"public_services": 1, "health_insurance": 2, "other": 4}  # abstentions: topic unknown
    assert len(data.days) == 8 and all(len(v) == 8 for v in data.questions_per_day.values())
    assert data.ratings["assistant"] == {"good": 2, "bad": 1} and data.ratings["team"] == {"good": 1}
    assert dict((name, dict(counts)) for name, counts in data.by_commune) == {
        "Xã Tân Lập": {"answered": 1}, "Phường Sơn Lâm": {"open": 1}}
    assert data.median_to_claim == timedelta(minutes=30) and data.median_to_answer == timedelta(minutes=90)
    assert [t.ticket_code for t in data.overdue] == [late] and data.overdue_total == 1
    assert data.overdue[0].waited >= timedelta(hours=30)


def test_the_page_draws_svg_charts_without_external_resources(client: TestClient, settings, browser_for):
    fast, late = seed(client, settings)
    client.app.state.dashboard.clock.now += timedelta(minutes=1)  # the records were made after the clock was set
    page = browser_for("viewer").get("/dashboard/", params={"days": "7"}).text
    assert page.count('<svg class="chart"') == 3 and "<title>Số câu hỏi mỗi ngày theo chương trình</title>" in page
    assert "Bảo hiểm y tế điện tử" in page and "Dịch vụ công trực tuyến" in page and "Khác / chưa rõ" in page
    assert "30 phút" in page and "1 giờ 30 phút" in page
    overdue = page[page.index("Phiếu quá hạn chưa ai nhận</h2>"):]
    assert late in overdue and fast not in overdue and "Phường Sơn Lâm" in overdue
    assert "67%" in page  # 👍 share of the assistant's answers
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no CDN, nothing loaded from elsewhere
    assert browser_for("admin").get("/dashboard/", params={"days": "90"}).status_code == 200


def test_one_rounding_rule_for_shares():
    assert [share_text(p, w) for p, w in ((1, 300), (0, 5), (2, 3), (1, 10), (999, 10_000), (5, 0))] == [
        "0,3%", "0%", "67%", "10%", "10%", "—"]


def test_the_headline_card_and_the_section_round_the_escalation_share_alike(client: TestClient, settings,
                                                                           browser_for):
    engine = client.app.state.dashboard.engine
    for number in range(299):
        record_question("web", f"s{number}", "câu hỏi", "answer", "bhyt-vssid-la-gi", 0.9, {}, False,
                        engine=engine, settings=settings)
    escalate(engine, settings, "Chữ ký số cá nhân đăng ký ở đâu?")
    client.app.state.dashboard.clock.now += timedelta(minutes=1)
    page = browser_for("admin").get("/dashboard/", params={"days": "7"}).text
    assert page.count("(0,3% số câu hỏi)") == 2 and "0% số câu hỏi" not in page


def test_the_axis_is_a_nice_scale_from_the_data():
    assert nice_scale(2089) == (2500, 500)
    assert nice_scale(7) == (8, 2) and nice_scale(3) == (3, 1) and nice_scale(0) == (1, 1)
    assert nice_scale(100) == (100, 20) and nice_scale(101) == (150, 50)
    chart = str(charts.stacked_columns(["01/12", "02/12"], {"health_insurance": [2089, 40]},
                                       {"health_insurance": "BHYT"}, "Số câu hỏi"))
    axis = re.findall(r'text-anchor="end" font-size="11" fill="#5f6368">([\d.]+)</text>', chart)
    assert axis == ["0", "500", "1.000", "1.500", "2.000", "2.500"]


def test_a_question_the_knowledge_does_not_cover_gets_no_topic_from_its_nearest_entry(client: TestClient, settings):
    engine = client.app.state.dashboard.engine
    pension = {"reason": "not_covered", "candidates": [{"entry_id": "kns-ket-noi-wifi"}]}
    ambiguous = {"reason": "ambiguous", "candidates": [{"entry_id": "bhyt-vssid-la-gi"}]}
    for text, scores in (("lương hưu tháng này bao giờ có", pension), ("vssid", ambiguous)):
        record_question("web", "s", text, "abstain", None, 0.4, scores, False, engine=engine, settings=settings)
    services = client.app.state.dashboard
    now = services.clock() + timedelta(minutes=1)
    entries = [located.entry for located in services.knowledge.load().entries]
    data = build_overview(engine, services.province, entries, now - timedelta(days=1), now, timedelta(hours=24))
    totals = {topic: sum(days) for topic, days in data.questions_per_day.items()}
    assert totals == {"health_insurance": 1, "other": 1}
    assert question_topic("clarify", None, {"candidates": [{"entry_id": "x"}]}, {"x": "digital_skills"}) == \
        "digital_skills"
