"""The answerer over the knowledge base, built once per process and kept in step with the dashboard's changes.

The action server answers through it; a channel's process builds one too, lazily, for the degraded mode.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial

from sqlalchemy import Engine

from bot.conversation.answering import Answerer
from bot.knowledge.live import KnowledgeSync, baseline_revision
from bot.knowledge.store import load_knowledge
from bot.questionlog import record_question
from bot.retrieval.embedders import Embedder
from bot.retrieval.service import build_retriever
from bot.settings import Settings

logger = logging.getLogger(__name__)


class LiveAnswerer:
    """The answerer over `KNOWLEDGE_DIR` for `settings`, logging questions to `engine`; built on first use."""

    def __init__(self, settings: Settings, engine: Engine,
                 wrap_embedder: Callable[[Embedder], Embedder] | None = None) -> None:
        """`wrap_embedder`, when given, wraps the retriever's embedder (e.g. in a batching queue)."""
        self.settings = settings
        self.engine = engine
        self._wrap_embedder = wrap_embedder
        self._lock = threading.Lock()
        self._answerer: Answerer | None = None
        self._sync: KnowledgeSync | None = None

    def _build(self) -> tuple[Answerer, KnowledgeSync]:
        started = time.monotonic()
        revision = baseline_revision(self.engine)  # read before the files, so no dashboard change can slip between
        loaded = load_knowledge(self.settings.knowledge_dir)
        for problem in loaded.errors:
            logger.error("knowledge base: %s", problem)
        retriever = build_retriever(self.settings, [located.entry for located in loaded.entries])
        if self._wrap_embedder is not None:
            retriever.embedder = self._wrap_embedder(retriever.embedder)
        built = Answerer(retriever, partial(record_question, engine=self.engine, settings=self.settings),
                         self.settings.procedure_search_url)
        sync = KnowledgeSync(retriever, engine=self.engine, since=revision,
                             on_change=lambda _report: built.refresh_vocabulary())
        logger.info("retriever ready: %d entries in %.1f s", len(retriever), time.monotonic() - started)
        return built, sync

    def get(self) -> Answerer:
        """The answerer, built on first use (the embedding cache keeps it fast), with the entries changed from the
        dashboard since then applied (one cheap database read per call)."""
        with self._lock:
            if self._answerer is None or self._sync is None:
                self._answerer, self._sync = self._build()
            built, sync = self._answerer, self._sync
        sync.refresh_if_changed()
        return built

    @property
    def is_built(self) -> bool:
        """True once the answerer has been built."""
        return self._answerer is not None
