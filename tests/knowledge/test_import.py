"""`trolyso kb import`: a partner's spreadsheet as it is, CSV and JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.cli import main
from bot.knowledge.importer import read_pairs, to_entries
from bot.knowledge.store import load_knowledge
from bot.settings import PROJECT_ROOT
from bot.text import collapse_spaces

VNPT = PROJECT_ROOT.parent / "shared" / "eval" / "vnpt_money"
needs_vnpt = pytest.mark.skipif(not VNPT.exists(), reason="../shared/eval is not beside the project")


@needs_vnpt
def test_vnpt_workbook_yields_the_same_entries_as_its_jsonl(tmp_path: Path):
    out = tmp_path / "vnpt.yml"
    assert main(["kb", "import", str(VNPT / "faq_source.xlsx"), "--topic", "cashless_payment",
                 "--out", str(out)]) == 0
    from_workbook = [(e.entry.texts(), collapse_spaces(e.entry.answer)) for e in load_knowledge(out).entries]
    from_jsonl = [(e.texts(), collapse_spaces(e.answer))
                  for e in to_entries(read_pairs(VNPT / "kb.jsonl").pairs, "cashless_payment")]
    assert from_workbook == from_jsonl
    questions = [collapse_spaces(r["question"])
                 for r in map(json.loads, (VNPT / "kb.jsonl").read_text(encoding="utf-8").splitlines())]
    assert len(questions) == 129
    assert sorted(q for texts, _ in from_workbook for q in texts) == sorted(questions)


@needs_vnpt
def test_questions_with_the_same_answer_become_one_entry():
    entries = to_entries(read_pairs(VNPT / "kb.jsonl").pairs, "cashless_payment")
    merged = {e.id: e for e in entries if e.merged_ids}
    assert merged, "the VNPT FAQ repeats answers under different questions"
    for entry in merged.values():
        assert len(entry.alternates) >= len(entry.merged_ids)
        assert all(entry.answers_for(i) for i in entry.merged_ids)
    all_ids = [e.id for e in entries] + [i for e in entries for i in e.merged_ids]
    assert len(all_ids) == len(set(all_ids)) == 129


@needs_vnpt
def test_reimport_gives_stable_ids(tmp_path: Path):
    first = [e.id for e in to_entries(read_pairs(VNPT / "faq_source.xlsx").pairs, "cashless_payment")]
    second = [e.id for e in to_entries(read_pairs(VNPT / "faq_source.xlsx").pairs, "cashless_payment")]
    assert first == second and len(set(first)) == len(first)


@needs_vnpt
def test_jsonl_ids_are_kept():
    entries = to_entries(read_pairs(VNPT / "kb.jsonl").pairs, "cashless_payment")
    assert [e.id for e in entries][:3] == ["vnpt-001", "vnpt-002", "vnpt-003"]


def make_workbook(path: Path, rows: list[list[object]], title: str = "Hỏi đáp") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_multi_row_answers_are_joined_and_headings_skipped(tmp_path: Path):
    path = make_workbook(tmp_path / "a.xlsx", [
        ["Bảng hỏi đáp ví điện tử"],
        ["STT", "Câu hỏi", "Câu trả lời"],
        [None, "I. Nạp tiền", None],
        [1, "Nạp tiền thế nào?", "Bước 1: mở ứng dụng."],
        [None, None, "Bước 2: chọn Nạp tiền."],
        [2, "Rút tiền thế nào?", "Chọn Rút tiền."],
    ])
    report = read_pairs(path)
    assert report.problems == []
    assert [(p.question, p.answer) for p in report.pairs] == [
        ("Nạp tiền thế nào?", "Bước 1: mở ứng dụng.\nBước 2: chọn Nạp tiền."),
        ("Rút tiền thế nào?", "Chọn Rút tiền."),
    ]


def test_question_without_answer_is_reported_with_sheet_and_row(tmp_path: Path):
    path = make_workbook(tmp_path / "b.xlsx", [
        ["Câu hỏi", "Câu trả lời"],
        ["Có câu trả lời?", "Có."],
        ["Câu này thiếu trả lời?", None],
        ["Câu tiếp theo?", "Đây."],
    ], title="Tổng hợp")
    report = read_pairs(path)
    assert len(report.pairs) == 2
    [problem] = report.problems
    assert "sheet 'Tổng hợp'" in problem.file and "row 3" in problem.message and problem.severity == "error"


def test_missing_answer_column_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = make_workbook(tmp_path / "c.xlsx", [["Câu hỏi", "Ghi chú"], ["Hỏi?", "x"]], title="Trang 1")
    assert main(["kb", "import", str(path), "--topic", "cashless_payment", "--out", str(tmp_path / "o.yml")]) == 1
    err = capsys.readouterr().err
    assert "sheet 'Trang 1'" in err and "row 1" in err and "'Câu trả lời' (answer)" in err


def test_csv_with_optional_columns_and_a_bad_row(tmp_path: Path):
    path = tmp_path / "faq.csv"
    path.write_text("id;question;answer;source_url\n"
                    "qr-1;Quét mã QR thế nào?;Mở ứng dụng ngân hàng.;https://sbv.gov.vn\n"
                    ";Thiếu trả lời?;;\n", encoding="utf-8")
    report = read_pairs(path)
    [entry] = to_entries(report.pairs, "cashless_payment")
    assert (entry.id, entry.source_url, entry.origin) == ("qr-1", "https://sbv.gov.vn", "imported")
    assert [p.line for p in report.problems] == [3]


def test_unsupported_and_broken_files(tmp_path: Path):
    (tmp_path / "x.txt").write_text("hello")
    assert "unsupported file type" in read_pairs(tmp_path / "x.txt").problems[0].message
    (tmp_path / "y.xlsx").write_bytes(b"\x00not a zip")
    assert "cannot open the workbook" in read_pairs(tmp_path / "y.xlsx").problems[0].message
    (tmp_path / "z.jsonl").write_text('{"question": "q?", "answer": "a"}\n{oops\n', encoding="utf-8")
    report = read_pairs(tmp_path / "z.jsonl")
    assert len(report.pairs) == 1 and report.problems[0].line == 2
