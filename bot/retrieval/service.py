"""Builds the configured retriever over a knowledge base."""

from __future__ import annotations

from pathlib import Path

from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.decision import DecisionPolicy
from bot.retrieval.embedders import EmbeddingCache, make_embedder
from bot.retrieval.retriever import Retriever
from bot.settings import Settings


def policy_from(settings: Settings) -> DecisionPolicy:
    """The decision thresholds stored in the settings."""
    return DecisionPolicy(
        lexical_weight=settings.retrieval_lexical_weight,
        answer_threshold=settings.retrieval_answer_threshold,
        clarify_margin=settings.retrieval_clarify_margin,
    )


def build_retriever(settings: Settings, entries: list[KnowledgeEntry], cache_path: Path | None = None,
                    snapshot_dir: Path | None = None) -> Retriever:
    """A retriever with the configured embedder, embedding cache and thresholds, indexing `entries`.

    The dense index is persisted under `var/index/` (or `snapshot_dir`) and read back on the next start.
    """
    embedder = make_embedder(settings)
    cache = EmbeddingCache(cache_path or settings.var_dir / "embeddings.sqlite", embedder)
    retriever = Retriever(embedder, policy_from(settings), cache, dense_weight=settings.retrieval_dense_weight)
    retriever.build(entries, snapshot_dir=snapshot_dir or settings.var_dir / "index")
    return retriever
