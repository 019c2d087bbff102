"""The plain Rasa FAQ baseline, trained for real in `.venv-rasa` on a tiny knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.rasa_faq import RasaFaqRun, ensure_model, project_files, rasa_faq_rankings
from bot.knowledge.schema import KnowledgeEntry


def entry(entry_id: str, question: str, answer: str, alternates: list[str]) -> KnowledgeEntry:
    return KnowledgeEntry(id=entry_id, topic="public_services", question=question, answer=answer,
                          alternates=alternates)


ENTRIES = [
    entry("vneid-quen-mat-khau", "Quên mật khẩu VNeID thì lấy lại thế nào?",
          "Mở ứng dụng VNeID, chọn \"Quên mật khẩu\": nhập số định danh và mã OTP.",
          ["không nhớ mật khẩu định danh điện tử", "quen mk vneid", "mất mật khẩu tài khoản VNeID"]),
    entry("bhyt-han-the", "Làm sao xem thẻ bảo hiểm y tế còn hạn không?",
          "Mở VssID, vào mục Thẻ BHYT để xem hạn sử dụng.",
          ["kiem tra han the bhyt", "thẻ bhyt hết hạn chưa", "xem hạn dùng thẻ bảo hiểm [VssID]"]),
    entry("qr-thanh-toan", "Thanh toán bằng mã QR như thế nào?",
          "Mở ứng dụng ngân hàng, chọn Quét QR, kiểm tra tên người nhận rồi xác nhận.",
          ["quét mã qr trả tiền", "tra tien bang qr", "trả tiền chợ bằng điện thoại: quét mã"]),
    entry("ocop-postmart", "Đăng ký bán sản phẩm OCOP trên Postmart ra sao?",
          "Vào postmart.vn, chọn Đăng ký người bán, khai thông tin cơ sở và sản phẩm.",
          ["mở gian hàng postmart", "ban hang ocop tren san", "# bán mật ong OCOP lên sàn: {cách làm}"]),
]


def test_project_files_are_valid_yaml_with_every_entry() -> None:
    files = project_files(ENTRIES, epochs=5)
    nlu = yaml.safe_load(files["data/nlu.yml"])
    domain = yaml.safe_load(files["domain.yml"])
    intents = {item["intent"]: item["examples"] for item in nlu["nlu"]}
    assert set(intents) == {f"faq/{e.id}" for e in ENTRIES}
    examples = intents["faq/ocop-postmart"].splitlines()
    assert examples[0] == "- Đăng ký bán sản phẩm OCOP trên Postmart ra sao?"
    assert "- # bán mật ong OCOP lên sàn: (cách làm)" in examples
    assert domain["responses"]["utter_faq/vneid-quen-mat-khau"] == [{"text": ENTRIES[0].answer}]
    config = yaml.safe_load(files["config.yml"])
    selector = next(c for c in config["pipeline"] if c["name"] == "ResponseSelector")
    assert selector["retrieval_intent"] == "faq" and selector["epochs"] == 5


@pytest.mark.integration
def test_trained_baseline_ranks_the_entry_of_a_training_example_first(tmp_path: Path) -> None:
    queries = ["tra tien bang qr", "quên mật khẩu vneid", "ban hang ocop tren san", ""]
    run = rasa_faq_rankings(ENTRIES, queries, tmp_path, epochs=40)
    assert isinstance(run, RasaFaqRun) and not run.reused_model
    assert len(run.rankings) == len(run.latencies_ms) == len(queries)
    assert run.rankings[0][0][0] == "qr-thanh-toan"
    assert run.rankings[2][0][0] == "ocop-postmart"
    for ranking in run.rankings[:3]:
        assert {entry_id for entry_id, _ in ranking} == {e.id for e in ENTRIES}
        confidences = [confidence for _, confidence in ranking]
        assert confidences == sorted(confidences, reverse=True)
    assert all(latency > 0 for latency in run.latencies_ms)
    assert run.train_seconds > 0 and run.peak_rss_mb and run.peak_rss_mb > 50

    model, facts, reused = ensure_model(ENTRIES, tmp_path, epochs=40)
    assert reused and model == run.model_path and facts["train_seconds"] == run.train_seconds
