"""Builds the configured retriever over a knowledge base."""

from __future__ import annotations

import re
from pathlib import Path

from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.decision import DecisionModel
from bot.retrieval.embedders import EmbeddingCache, make_embedder
from bot.retrieval.retriever import Retriever
from bot.settings import PROJECT_ROOT, Settings

DECISION_MODELS_DIR = PROJECT_ROOT / "config" / "decision"
"""The calibrated decision models, one file per embedding model (and verifier), written by `trolyso calibrate`."""


def decision_model_key(embedder_name: str, with_verifier: bool = False) -> str:
    """The file name (without `.json`) of the decision model calibrated for this embedder (and a verifier)."""
    slug = re.sub(r"[^a-z0-9]+", "-", embedder_name.lower()).strip("-")
    return slug + ("+verifier" if with_verifier else "")


def decision_model_path(settings: Settings, embedder_name: str, with_verifier: bool = False) -> Path:
    """`RETRIEVAL_DECISION_MODEL` when set, else the calibrated file for this embedder under `config/decision/`."""
    if settings.retrieval_decision_model is not None:
        return settings.retrieval_decision_model
    return DECISION_MODELS_DIR / f"{decision_model_key(embedder_name, with_verifier)}.json"


def build_retriever(settings: Settings, entries: list[KnowledgeEntry], cache_path: Path | None = None,
                    snapshot_dir: Path | None = None, decision_model: DecisionModel | None = None) -> Retriever:
    """A retriever with the configured embedder, embedding cache and calibrated decision, indexing `entries`.

    The dense index is persisted under `var/index/` (or `snapshot_dir`) and read back on the next start.
    ValueError when no decision model is calibrated for the configured embedder.
    """
    embedder = make_embedder(settings)
    model = decision_model or DecisionModel.load(decision_model_path(settings, embedder.name))
    cache = EmbeddingCache(cache_path or settings.var_dir / "embeddings.sqlite", embedder)
    retriever = Retriever(embedder, model, cache, dense_weight=settings.retrieval_dense_weight)
    retriever.build(entries, snapshot_dir=snapshot_dir or settings.var_dir / "index")
    return retriever
