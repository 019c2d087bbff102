"""`trolyso kb validate`: the curated knowledge base passes; each kind of mistake is reported at its place."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.store import load_knowledge
from bot.knowledge.validate import validate_path
from bot.settings import PROJECT_ROOT

KNOWLEDGE = PROJECT_ROOT / "knowledge"

GOOD_ENTRY = """\
- id: {id}
  topic: public_services
  question: {question}
  alternates: [cách một, cách hai, cach ba]
  answer: Trả lời.
  source_url: https://dichvucong.gov.vn
  reviewed_on: 2026-01-01
  review_by: 2027-01-01
"""


def write(tmp_path: Path, text: str, name: str = "dich_vu_cong.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    _, problems = validate_path(path, today=date(2026, 6, 1))
    return [str(p) for p in problems if p.severity == "error"]


def test_curated_knowledge_base_is_valid_and_complete():
    result, problems = validate_path(KNOWLEDGE)
    assert [str(p) for p in problems if p.severity == "error"] == []
    entries = [located.entry for located in result.entries]
    per_topic = {topic: sum(1 for e in entries if e.topic == topic) for topic in {e.topic for e in entries}}
    assert per_topic["digital_skills"] >= 40
    for topic in ("public_services", "cashless_payment", "health_insurance", "ocop_ecommerce"):
        assert per_topic[topic] >= 50, topic
    assert all(len(e.alternates) >= 3 for e in entries)
    assert all(e.source_url and e.source_url.startswith("https://") for e in entries)
    assert all(e.reviewed_on and e.review_by for e in entries)


def test_cli_validate_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["kb", "validate", str(KNOWLEDGE)]) == 0
    bad = write(tmp_path, GOOD_ENTRY.format(id="dvc-a", question="Hỏi gì?").replace("https://", "http://"))
    assert main(["kb", "validate", str(bad)]) == 1
    assert "source_url is not https" in capsys.readouterr().err


def test_malformed_yaml_names_file_and_line(tmp_path: Path):
    path = write(tmp_path, GOOD_ENTRY.format(id="dvc-a", question="Hỏi gì?") + "- id: [unclosed\n")
    [error] = errors_of(path)
    assert f"{path}:10" in error and "YAML syntax error" in error


def test_wrong_type_names_entry_and_field(tmp_path: Path):
    text = GOOD_ENTRY.format(id="dvc-a", question="Hỏi gì?").replace("alternates: [cách một, cách hai, cach ba]",
                                                                  "alternates: không phải danh sách")
    [error] = errors_of(write(tmp_path, text))
    assert "[dvc-a]" in error and "field 'alternates'" in error


def test_duplicate_id_across_files(tmp_path: Path):
    write(tmp_path, GOOD_ENTRY.format(id="dvc-a", question="Làm sao nộp hồ sơ?"))
    write(tmp_path, GOOD_ENTRY.format(id="dvc-a", question="Phí bao nhiêu?").replace("public_services",
                                                                                  "digital_skills"),
          name="ky_nang_so.yml")
    errors = errors_of(tmp_path)
    assert any("[dvc-a]" in e and "duplicate id, first used at" in e and "dich_vu_cong.yml:1" in e for e in errors)


def test_same_question_twice_and_unknown_related(tmp_path: Path):
    text = (GOOD_ENTRY.format(id="dvc-a", question="Làm sao nộp hồ sơ?")
            + GOOD_ENTRY.format(id="dvc-b", question="lam sao nop ho so")
            + "  related: [dvc-khong-co]\n")
    errors = errors_of(write(tmp_path, text))
    assert any("[dvc-b]" in e and "same question as entry 'dvc-a'" in e for e in errors)
    assert any("[dvc-b]" in e and "unknown related id 'dvc-khong-co'" in e for e in errors)


def test_incomplete_entry_is_an_error_when_curated_and_a_warning_when_imported(tmp_path: Path):
    bare = "- id: dvc-a\n  topic: public_services\n  question: Hỏi gì?\n  answer: Đáp.\n"
    curated = errors_of(write(tmp_path, bare))
    assert any("needs at least 3" in e for e in curated) and any("no source_url" in e for e in curated)
    imported = write(tmp_path, bare + "  origin: imported\n", name="imported.yml")
    _, problems = validate_path(imported)
    assert [p for p in problems if p.severity == "error"] == []
    assert any("no source_url" in str(p) for p in problems if p.severity == "warning")


def test_past_review_date_is_a_warning(tmp_path: Path):
    path = write(tmp_path, GOOD_ENTRY.format(id="dvc-a", question="Hỏi gì?"))
    _, problems = validate_path(path, today=date(2027, 2, 1))
    assert [p.message for p in problems] == ["past its review date (2027-01-01)"]


def test_topic_must_match_its_programme_file(tmp_path: Path):
    text = GOOD_ENTRY.format(id="dvc-a", question="Hỏi gì?").replace("public_services", "health_insurance")
    assert any("in the file of topic 'public_services'" in e for e in errors_of(write(tmp_path, text)))


def test_not_a_list_is_reported(tmp_path: Path):
    result = load_knowledge(write(tmp_path, "id: dvc-a\nquestion: x\n"))
    assert [p.message for p in result.errors] == ["the file must be a YAML list of entries"]
