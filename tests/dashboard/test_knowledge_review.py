"""The knowledge page lists the entries due for review, most answered in the last 30 days first, with the count."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.models import QuestionLog
from bot.questionlog import record_question

_ROW = re.compile(r'<small class="muted">([a-z0-9-]+)</small></td>\s*<td>(.*?)</td>\s*<td>(\d+)</td>', re.S)


def knowledge_entry(entry_id: str, review_by: date, note: bool = True, merged: str = "") -> str:
    """A complete entry reviewed until `review_by`, with or without a review note."""
    return (f"- id: {entry_id}\n  topic: public_services\n  question: Hỏi về {entry_id}?\n"
            f"  title: Mục {entry_id}\n  alternates: [cách một, cách hai, cach ba]\n  answer: Đáp {entry_id}.\n"
            f"  source_url: https://dichvucong.gov.vn\n  reviewed_on: {review_by - timedelta(days=180)}\n"
            f"  review_by: {review_by}\n" + ("  review_note: Đối chiếu với dichvucong.gov.vn.\n" if note else "")
            + (f"  merged_ids: [{merged}]\n" if merged else ""))


def answered(settings, engine, entry_id: str, times: int, decision: str = "answer") -> list[int]:
    """Log `times` questions the assistant answered (or clarified) with `entry_id`."""
    return [record_question("web", f"citizen-{entry_id}-{i}", f"câu hỏi {i}", decision, entry_id, 0.9, {}, False,
                            engine=engine, settings=settings) for i in range(times)]


def queue_rows(html: str) -> list[tuple[str, str, int]]:
    """(entry id, reason cell, count) of each row of the review queue, in page order."""
    section = html.split('aria-labelledby="queue-title"', 1)[1].split("</section>", 1)[0]
    return [(entry_id, re.sub(r"<[^>]+>", "", reason).strip(), int(count))
            for entry_id, reason, count in _ROW.findall(section)]


def test_due_entries_are_listed_by_citizen_traffic_with_the_count(client, browser_for, settings, knowledge_dir: Path):
    services = client.app.state.dashboard
    today, now = services.today(), services.clock()
    for path in knowledge_dir.glob("*.yml"):
        path.unlink()
    (knowledge_dir / "dich_vu_cong.yml").write_text(
        knowledge_entry("dvc-qua-han", today - timedelta(days=10))
        + knowledge_entry("dvc-sap-han", today + timedelta(days=10))
        + knowledge_entry("dvc-thieu-ghi-chu", today + timedelta(days=200), note=False)
        + knowledge_entry("dvc-con-han", today + timedelta(days=200))
        + knowledge_entry("dvc-gop", today - timedelta(days=1), merged="dvc-cu"), encoding="utf-8")
    engine = services.engine
    answered(settings, engine, "dvc-sap-han", 3)
    answered(settings, engine, "dvc-thieu-ghi-chu", 1)
    answered(settings, engine, "dvc-con-han", 5)          # much used, but not due: not listed
    answered(settings, engine, "dvc-gop", 1)
    answered(settings, engine, "dvc-cu", 2)               # merged into dvc-gop: counts for it
    answered(settings, engine, "dvc-qua-han", 4, "clarify")  # not answered with it
    old = answered(settings, engine, "dvc-qua-han", 6)
    with Session(engine) as session:                      # answered 31 days ago: outside the 30-day window
        session.execute(update(QuestionLog).where(QuestionLog.id.in_(old)).values(created_at=now - timedelta(days=31)))
        session.commit()

    html = browser_for("admin").get("/dashboard/knowledge").text

    assert "Cần rà soát (4 mục)" in html
    rows = queue_rows(html)
    assert [(entry_id, count) for entry_id, _, count in rows] == [
        ("dvc-gop", 3), ("dvc-sap-han", 3), ("dvc-thieu-ghi-chu", 1), ("dvc-qua-han", 0)]
    reasons = {entry_id: reason for entry_id, reason, _ in rows}
    assert reasons["dvc-gop"] == f"quá hạn {(today - timedelta(days=1)).strftime('%d/%m/%Y')}"
    assert reasons["dvc-sap-han"] == f"đến hạn {(today + timedelta(days=10)).strftime('%d/%m/%Y')}"
    assert reasons["dvc-thieu-ghi-chu"] == "chưa có ghi chú rà soát"
    assert 'href="/dashboard/knowledge/dvc-gop">Mục dvc-gop</a>' in html


def test_no_review_section_when_nothing_is_due(client, browser_for, knowledge_dir: Path):
    today = client.app.state.dashboard.today()
    for path in knowledge_dir.glob("*.yml"):
        path.unlink()
    (knowledge_dir / "dich_vu_cong.yml").write_text(knowledge_entry("dvc-con-han", today + timedelta(days=200)),
                                                    encoding="utf-8")
    html = browser_for("viewer").get("/dashboard/knowledge").text
    assert 'aria-labelledby="queue-title"' not in html and "dvc-con-han" in html
