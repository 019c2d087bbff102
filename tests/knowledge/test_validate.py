"""`trolyso kb validate`: the curated knowledge base passes; each kind of mistake is reported at its place."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.freshness import DEFAULT_RETIRED_DOMAINS, load_retired_domains
from bot.knowledge.store import knowledge_files, load_knowledge
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
  review_note: Đối chiếu với trang dichvucong.gov.vn.
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
    assert f"{path}:11" in error and "YAML syntax error" in error


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


RETIRED = """\
- domain: binhduong.gov.vn
  reason: Tỉnh Bình Dương hợp nhất vào Thành phố Hồ Chí Minh
  retired_on: 2025-07-01
"""


def entry(entry_id: str = "dvc-a", *, topic: str = "public_services", answer: str = "Trả lời.",
          source: str = "https://dichvucong.gov.vn", tags: str = "[]", note: bool = True) -> str:
    """One complete entry of `topic` with the given answer, source and tags."""
    return (f"- id: {entry_id}\n  topic: {topic}\n  question: Hỏi về {entry_id}?\n"
            f"  alternates: [cách một, cách hai, cach ba]\n  answer: |-\n    {answer}\n  source_url: {source}\n"
            "  reviewed_on: 2026-01-01\n  review_by: 2027-01-01\n"
            + ("  review_note: Đối chiếu với trang chính thức.\n" if note else "") + f"  tags: {tags}\n")


def warnings_of(tmp_path: Path, text: str, name: str = "dich_vu_cong.yml") -> list[str]:
    """The warnings `kb validate` reports for a knowledge folder holding `text` and a retired-domain list."""
    write(tmp_path, RETIRED, name="retired_domains.yml")
    write(tmp_path, text, name=name)
    _, problems = validate_path(tmp_path, today=date(2026, 6, 1))
    assert [p for p in problems if p.severity == "error"] == []
    return [p.message for p in problems if p.severity == "warning"]


def test_source_on_a_retired_domain_or_its_subdomain_is_a_warning(tmp_path: Path):
    text = (entry("dvc-a", source="https://dichvucong.binhduong.gov.vn/thanh-toan")
            + entry("dvc-b", source="https://binhduong.gov.vn")
            + entry("dvc-c", source="https://notbinhduong.gov.vn"))
    warnings = warnings_of(tmp_path, text)
    assert len([w for w in warnings if w.startswith("source_url is on a retired domain binhduong.gov.vn")]) == 2
    assert all("notbinhduong" not in w for w in warnings)
    assert any("since 2025-07-01: Tỉnh Bình Dương hợp nhất" in w for w in warnings)


def test_answer_sending_citizens_to_a_retired_portal_is_a_warning(tmp_path: Path):
    text = entry(answer="Vào dichvucong.binhduong.gov.vn để nộp.")
    assert [w for w in warnings_of(tmp_path, text) if "retired" in w] == [
        "the answer points to dichvucong.binhduong.gov.vn, on a retired domain binhduong.gov.vn "
        "(since 2025-07-01: Tỉnh Bình Dương hợp nhất vào Thành phố Hồ Chí Minh)"]


def test_retired_domain_list_is_data_not_entries(tmp_path: Path):
    write(tmp_path, RETIRED, name="retired_domains.yml")
    write(tmp_path, entry())
    assert [p.name for p in knowledge_files(tmp_path)] == ["dich_vu_cong.yml"]
    assert [e.entry.id for e in load_knowledge(tmp_path).entries] == ["dvc-a"]


def test_malformed_retired_domain_list_is_an_error(tmp_path: Path):
    write(tmp_path, "- domain: Not A Domain\n  reason: x\n", name="retired_domains.yml")
    write(tmp_path, entry())
    errors = errors_of(tmp_path)
    assert len(errors) == 1 and "retired domain #1 is invalid (domain, reason, retired_on)" in errors[0]


def test_project_retired_domains_cover_the_merged_provinces_portals():
    retired = load_retired_domains(DEFAULT_RETIRED_DOMAINS)
    assert retired.problems == ()
    for host in ("dichvucong.binhduong.gov.vn", "dean06.hanam.gov.vn", "baria-vungtau.gov.vn", "mic.gov.vn"):
        assert retired.covering(host) is not None, host
    for host in ("dichvucong.gov.vn", "hanoi.gov.vn", "laichau.gov.vn", "mst.gov.vn", "tphcm.gov.vn"):
        assert retired.covering(host) is None, host
    provinces = [d for d in retired.domains if d.retired_on == date(2025, 7, 1)]
    assert len(provinces) == 29  # 63 provinces became 34 on 1 July 2025
    assert all("202/2025/QH15" in d.reason for d in provinces)


def test_government_procedure_needs_a_gov_vn_source(tmp_path: Path):
    text = (entry("dvc-a", source="https://www.csgt.vn")
            + entry("dvc-b", source="https://csgt.bocongan.gov.vn"))
    warnings = warnings_of(tmp_path, text)
    assert warnings == ["a government procedure (topic 'public_services') needs a .gov.vn source, "
                        "not https://www.csgt.vn"]


def test_procedure_tag_marks_a_procedure_in_another_topic(tmp_path: Path):
    text = (entry("ocop-a", topic="ocop_ecommerce", source="https://chinhphu.vn", tags="[thu-tuc, thue]")
            + entry("ocop-b", topic="ocop_ecommerce", source="https://banhang.shopee.vn", tags="[shopee]"))
    assert warnings_of(tmp_path, text, name="ocop_tmdt.yml") == [
        "a government procedure (tag 'thu-tuc') needs a .gov.vn source, not https://chinhphu.vn"]


@pytest.mark.parametrize("answer, expected", [
    ("Theo Nghị định 117/2025/NĐ-CP, sàn khấu trừ thuế.",
     ["the answer cites «Nghị định 117/2025/NĐ-CP» without its date"]),
    ("Theo Quyết định 1489/QĐ-TTg năm 2024, tỉnh chấm điểm.",
     ["the answer cites «Quyết định 1489/QĐ-TTg» without its date"]),
    ("Theo Luật Căn cước, thẻ cũ vẫn dùng được.", ["the answer names «Luật Căn cước» without its number and date"]),
    ("Theo Nghị định 117/2025/NĐ-CP (áp dụng từ 1/7/2025), sàn khấu trừ thuế.", []),
    ("Luật Thuế thu nhập cá nhân số 109/2025/QH15 ngày 10/12/2025 nâng mức này.", []),
    ("Quyết định số 26/2026/QĐ-TTg ngày 22 tháng 5 năm 2026 thay bộ tiêu chí.", []),
    ("Nghị định 141/2026/NĐ-CP ngày 29/4/2026 nâng mức.\n    Theo Nghị định 141/2026/NĐ-CP, bạn được hoàn thuế.", []),
    ("Tỉnh ra quyết định công nhận. Quyết định công nhận có hiệu lực 36 tháng. Luật có mức doanh thu riêng.", []),
])
def test_legal_documents_in_answers_need_number_and_date(tmp_path: Path, answer: str, expected: list[str]):
    assert warnings_of(tmp_path, entry(answer=answer)) == expected


def test_missing_review_note_is_a_warning(tmp_path: Path):
    assert warnings_of(tmp_path, entry(note=False)) == [
        "has no review_note (what the last review checked, against which source)"]


def test_cli_reports_freshness_warnings_without_failing(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write(tmp_path, RETIRED, name="retired_domains.yml")
    write(tmp_path, entry(source="https://dichvucong.binhduong.gov.vn"))
    assert main(["kb", "validate", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "[dvc-a]: source_url is on a retired domain binhduong.gov.vn" in out
    assert "1 entries checked: 0 errors, 1 warnings" in out
