"""From a cluster of gaps (or an answered escalation) to a draft, to an approved entry written to its knowledge
file and answered live by a running retriever; dismissing; editing and reviewing entries."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.gaps.drafts import add_months, draft_from_cluster, get_draft, tidy_question
from bot.gaps.items import GapItem
from bot.gaps.report import DistinctText, GapCluster
from bot.knowledge.live import KnowledgeSync, current_revision
from bot.knowledge.store import load_knowledge
from bot.knowledge.validate import validate_path
from bot.models import AuditLog, GapReview
from bot.retrieval.retriever import Retriever
from tests.dashboard.gap_questions import GAP_GROUPS
from tests.dashboard.helpers import abstained, escalate, post
from tests.decision_models import cosine_decision
from tests.escalations.helpers import WordEmbedder

ANSWER = ("Bạn đăng ký chữ ký số cá nhân với một nhà cung cấp dịch vụ chứng thực chữ ký số được cấp phép:\n"
          "1. Chọn nhà cung cấp và gói dịch vụ.\n2. Chuẩn bị căn cước.\n3. Làm thủ tục tại điểm giao dịch hoặc online.")
SOURCE = "https://rootca.gov.vn"


@pytest.fixture
def retriever(settings) -> Retriever:
    """A retriever over the test knowledge base, as an assistant process holds it."""
    built = Retriever(WordEmbedder(), cosine_decision(), dense_weight=settings.retrieval_dense_weight)
    built.build([located.entry for located in load_knowledge(settings.knowledge_dir).entries])
    return built


def _cluster(client: TestClient, needle: str) -> GapCluster:
    services = client.app.state.dashboard
    report = services.gaps.report(services.clock() - timedelta(days=30))
    return next(c for c in report.clusters if any(needle in t.text for t in c.texts))


def _draft_from_gaps(client: TestClient, admin: TestClient, settings) -> tuple[int, GapCluster]:
    abstained(client.app.state.dashboard.engine, settings, *GAP_GROUPS["chu_ky_so"], *GAP_GROUPS["tiem_chung"])
    page = admin.get("/dashboard/gaps").text
    cluster = _cluster(client, "chữ ký số cá nhân đăng ký ở đâu")
    assert f'id="c-{cluster.key}"' in page
    response = post(admin, "/dashboard/gaps/draft", {"key": cluster.key, "since": "30d"})
    assert response.status_code == 303
    return int(response.headers["location"].rsplit("/", 1)[1]), cluster


def test_a_cluster_becomes_a_draft_then_a_valid_entry_that_a_running_retriever_answers_live(
        client: TestClient, settings, browser_for, retriever: Retriever, knowledge_dir: Path):
    engine = client.app.state.dashboard.engine
    sync = KnowledgeSync(retriever, since=current_revision(engine), engine=engine)
    admin = browser_for("admin")
    draft_id, cluster = _draft_from_gaps(client, admin, settings)

    draft_page = admin.get(f"/dashboard/drafts/{draft_id}").text
    question = re.search(r'name="question" value="([^"]+)"', draft_page).group(1)
    alternates = re.search(r'name="alternates" rows="7">([^<]*)</textarea>', draft_page).group(1).split("\n")
    wordings = [t.text for t in cluster.texts]
    assert "chữ ký số" in question.lower()  # a wording with diacritics is the question
    assert any(question == tidy_question(w) for w in wordings)
    assert alternates == [w for w in wordings if tidy_question(w) != question]
    assert "tiêm chủng" not in draft_page  # the other need stayed in its own cluster
    gaps = admin.get("/dashboard/gaps").text
    assert all(t.text not in gaps for t in cluster.texts) and "tiêm chủng" in gaps  # drafted ones left the list
    alternates = sorted({*alternates, *GAP_GROUPS["chu_ky_so"]} - {question.rstrip("?").lower()})

    before = {p.name: p.read_text(encoding="utf-8") for p in knowledge_dir.glob("*.yml")}
    form = {"action": "approve", "topic": "digital_skills", "question": question,
            "alternates": "\r\n".join(alternates), "answer": ANSWER, "source_url": ""}
    refused = post(admin, f"/dashboard/drafts/{draft_id}", form, token_page=f"/dashboard/drafts/{draft_id}")
    assert refused.status_code == 422 and "Cần đường dẫn nguồn chính thống" in refused.text
    assert {p.name: p.read_text(encoding="utf-8") for p in knowledge_dir.glob("*.yml")} == before
    assert sync.refresh_if_changed().upserted == []

    approved = post(admin, f"/dashboard/drafts/{draft_id}", {**form, "source_url": SOURCE},
                    token_page=f"/dashboard/drafts/{draft_id}")
    assert approved.status_code == 303
    entry_id = approved.headers["location"].rsplit("/", 1)[1]
    assert entry_id.startswith("kns-") and "chu-ky-so" in entry_id
    assert "Đã duyệt và đăng" in admin.get(approved.headers["location"]).text

    result, problems = validate_path(knowledge_dir)
    assert [p for p in problems if p.severity == "error"] == []
    [located] = [e for e in result.entries if e.entry.id == entry_id]
    assert Path(located.file).name == "ky_nang_so.yml"
    assert (located.entry.question, located.entry.answer, located.entry.source_url) == (question, ANSWER, SOURCE)
    assert located.entry.review_by == add_months(located.entry.reviewed_on, settings.knowledge_review_months)
    after = (knowledge_dir / "ky_nang_so.yml").read_text(encoding="utf-8")
    assert after.startswith(before["ky_nang_so.yml"].rstrip("\n"))  # the other entries are untouched
    assert all(before[name] == (knowledge_dir / name).read_text(encoding="utf-8")
               for name in before if name != "ky_nang_so.yml")

    assert entry_id not in retriever.entries
    report = sync.refresh_if_changed()
    assert report.upserted == [entry_id] and report.revision == current_revision(engine)
    assert retriever.search("chu ky so ca nhan dang ky o dau").entry_id == entry_id
    assert sync.refresh_if_changed().upserted == []
    with Session(engine) as session:
        actions = session.scalars(select(AuditLog.action).where(AuditLog.actor == "admin")).all()
    assert "knowledge_create" in actions


def test_an_answered_escalation_becomes_a_draft_prefilled_with_the_team_answer(client: TestClient, settings,
                                                                               browser_for):
    code = escalate(client.app.state.dashboard.engine, settings, "dang ky lich tiem chung cho con o dau vay")
    lan, admin = browser_for("tanlap_lan"), browser_for("admin")
    assert "Tạo bản nháp" not in admin.get(f"/dashboard/escalations/{code}").text  # not answered yet
    post(lan, f"/dashboard/escalations/{code}/answer", {"text": "Bạn mở VNeID, chọn Sức khỏe, rồi Tiêm chủng."})
    response = post(admin, f"/dashboard/escalations/{code}/draft")
    assert response.status_code == 303
    page = admin.get(response.headers["location"]).text
    assert "Dang ky lich tiem chung cho con o dau vay?" in page
    assert "Bạn mở VNeID, chọn Sức khỏe, rồi Tiêm chủng." in page
    assert f"phiếu {code}" in page
    assert code not in admin.get("/dashboard/gaps").text


def test_dismissing_a_cluster_needs_a_reason_and_removes_it(client: TestClient, settings, browser_for):
    abstained(client.app.state.dashboard.engine, settings, *GAP_GROUPS["lai_xe_het_han"][:4])
    admin = browser_for("admin")
    key = _cluster(client, GAP_GROUPS["lai_xe_het_han"][0]).key
    post(admin, "/dashboard/gaps/dismiss", {"key": key, "since": "30d", "reason": "  "})
    assert "Cần ghi lý do bỏ qua." in admin.get("/dashboard/gaps").text
    post(admin, "/dashboard/gaps/dismiss", {"key": key, "since": "30d", "reason": "Ngoài phạm vi của trợ lý"})
    assert GAP_GROUPS["lai_xe_het_han"][0] not in admin.get("/dashboard/gaps").text
    with Session(client.app.state.dashboard.engine) as session:
        reviews = session.scalars(select(GapReview)).all()
    assert {(r.status, r.reason) for r in reviews} == {("dismissed", "Ngoài phạm vi của trợ lý")}
    stale = post(admin, "/dashboard/gaps/draft", {"key": key, "since": "30d"})
    assert stale.status_code == 409 and "tải lại trang" in stale.text


def test_a_draft_can_be_saved_then_dismissed(client: TestClient, settings, browser_for):
    admin = browser_for("admin")
    draft_id, _ = _draft_from_gaps(client, admin, settings)
    page = f"/dashboard/drafts/{draft_id}"
    post(admin, page, {"action": "save", "topic": "digital_skills", "question": "Chữ ký số cá nhân là gì?",
                       "alternates": "a\nb", "answer": "Nháp", "source_url": ""}, token_page=page)
    assert 'value="Chữ ký số cá nhân là gì?"' in admin.get(page).text
    post(admin, f"{page}/dismiss", {"reason": "Đã có hướng dẫn của Sở"}, token_page=page)
    listing = admin.get("/dashboard/drafts").text
    assert "Đã có hướng dẫn của Sở" in listing
    assert "đã bị bỏ qua" in admin.get(page).text


def test_editing_and_reviewing_an_entry_are_validated_written_and_published(client: TestClient, browser_for,
                                                                            retriever: Retriever, knowledge_dir):
    engine = client.app.state.dashboard.engine
    sync = KnowledgeSync(retriever, since=current_revision(engine), engine=engine)
    admin = browser_for("admin")
    entry = next(e.entry for e in load_knowledge(knowledge_dir).entries if e.entry.id == "bhyt-vssid-la-gi")
    path = "/dashboard/knowledge/bhyt-vssid-la-gi"
    form = {"question": entry.question, "alternates": "\n".join(entry.alternates), "source_url": entry.source_url,
            "answer": entry.answer + "\nỨng dụng có cả trên máy tính bảng.", "title": entry.title or "",
            "review_note": entry.review_note or ""}
    bad = post(admin, path, {**form, "alternates": entry.alternates[0]}, token_page=path)
    assert bad.status_code == 422 and "Cần ít nhất 3 cách hỏi khác (hiện có 1)" in bad.text
    assert post(admin, path, form, token_page=path).status_code == 303
    saved = next(e.entry for e in load_knowledge(knowledge_dir).entries if e.entry.id == "bhyt-vssid-la-gi")
    assert saved.answer.endswith("máy tính bảng.") and saved.tags == entry.tags
    assert sync.refresh_if_changed().upserted == ["bhyt-vssid-la-gi"]
    assert retriever.entries["bhyt-vssid-la-gi"].answer == saved.answer

    today = client.app.state.dashboard.today()
    assert post(admin, f"{path}/reviewed", {"review_note": "Đối chiếu với baohiemxahoi.gov.vn."},
                token_page=path).status_code == 303
    reviewed = next(e.entry for e in load_knowledge(knowledge_dir).entries if e.entry.id == "bhyt-vssid-la-gi")
    assert (reviewed.reviewed_on, reviewed.review_by) == (today, add_months(today, 6))
    assert sync.refresh_if_changed().upserted == ["bhyt-vssid-la-gi"]
    assert "Đã đánh dấu đã rà soát" in admin.get(path).text
    _, problems = validate_path(knowledge_dir)
    assert [p for p in problems if p.severity == "error"] == []


def test_wordings_with_personal_data_never_reach_a_draft(client: TestClient):
    now = client.app.state.dashboard.clock()
    texts = ["chu ky so ca nhan o dau", "chữ ký số cá nhân đăng ký ở đâu, gọi em 0912 345 678",
             "chữ ký số cá nhân làm ở đâu", "đăng ký chữ ký số, email em la lan.nguyen@example.com"]
    cluster = GapCluster([GapItem(f"q:{900 + n}", "abstained", text, now) for n, text in enumerate(texts)],
                         [DistinctText(text, 1) for text in texts])
    draft = get_draft(client.app.state.dashboard.engine, draft_from_cluster(client.app.state.dashboard.engine,
                                                                            cluster, "admin"))
    assert draft.question == "Chữ ký số cá nhân làm ở đâu?"
    assert draft.alternates == ["chu ky so ca nhan o dau"]
