"""The gap report for the dashboard and the command line: the configured embedder, loaded once, and its cache."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from bot.gaps.nearest import NearEntry, nearest_each, nearest_entries, topic_of
from bot.gaps.report import GapReport, build_report
from bot.knowledge.folder import KnowledgeFolder
from bot.retrieval.embedders import Embedder, EmbeddingCache, make_embedder
from bot.settings import Settings


class GapReporter:
    """Builds gap reports over one database and knowledge folder.

    The embedder is the assistant's own (`make_embedder(settings)`), created on first use; embeddings go
    through the on-disk cache the retriever also uses, so the knowledge entries are usually cached already
    and each question is embedded once.
    """

    def __init__(self, settings: Settings, engine: Engine, knowledge: KnowledgeFolder | None = None,
                 embedder: Embedder | None = None, cache_path: Path | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.knowledge = knowledge or KnowledgeFolder(settings.knowledge_dir)
        self._embedder = embedder
        self._cache_path = cache_path or settings.var_dir / "embeddings.sqlite"
        self._cache: EmbeddingCache | None = None
        self._lock = threading.Lock()

    def cache(self) -> EmbeddingCache:
        """The embedding cache (and the embedder behind it), created once."""
        with self._lock:
            if self._cache is None:
                embedder = self._embedder or make_embedder(self.settings)
                self._cache = EmbeddingCache(self._cache_path, embedder)
            return self._cache

    def report(self, since: datetime) -> GapReport:
        """The clusters of the unreviewed gap items from `since` on."""
        entries = [located.entry for located in self.knowledge.load().entries]
        return build_report(self.engine, since, entries, self.cache(), self.settings.gaps_cluster_threshold)

    def nearest(self, questions: list[str], count: int) -> list[NearEntry]:
        """The `count` knowledge entries closest to any of `questions` (suggested answers, near-duplicates)."""
        entries = [located.entry for located in self.knowledge.load().entries]
        return nearest_entries(questions, entries, self.cache(), count)

    def predicted_topics(self, questions: list[str]) -> list[str | None]:
        """For each question, the topic of its nearest entry when that entry is as close as one need
        (`GAPS_CLUSTER_THRESHOLD`), else None (unknown)."""
        entries = [located.entry for located in self.knowledge.load().entries]
        return [topic_of(near, self.settings.gaps_cluster_threshold)
                for near in nearest_each(questions, entries, self.cache())]
