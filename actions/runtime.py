"""What the actions share in one action-server process: the knowledge base, its retriever, the communes.

The rasa-sdk server imports the actions twice: in its main process (which only supervises) and in the
worker that serves requests. The retriever is built once, in the worker, in the background as soon as
the worker starts; a request arriving earlier waits for it. Building it in the main process would also
fix the multiprocessing start method (tqdm creates a lock) before Sanic sets it, and Sanic refuses that.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from functools import lru_cache

from bot.conversation.answering import Answerer
from bot.escalations.communes import Commune, load_communes
from bot.knowledge.live import KnowledgeSync, baseline_revision
from bot.knowledge.store import load_knowledge
from bot.questionlog import record_question
from bot.retrieval.embedders import Embedder
from bot.retrieval.service import build_retriever
from bot.settings import get_settings

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_answerer: Answerer | None = None
_sync: KnowledgeSync | None = None


def _build() -> tuple[Answerer, KnowledgeSync]:
    started = time.monotonic()
    revision = baseline_revision()  # read before the files, so no dashboard change can slip between
    loaded = load_knowledge(get_settings().knowledge_dir)
    for problem in loaded.errors:
        logger.error("knowledge base: %s", problem)
    retriever = build_retriever(get_settings(), [located.entry for located in loaded.entries])
    built = Answerer(retriever, record_question, get_settings().procedure_search_url)
    sync = KnowledgeSync(retriever, since=revision, on_change=lambda _report: built.refresh_vocabulary())
    logger.info("retriever ready: %d entries in %.1f s", len(retriever), time.monotonic() - started)
    return built, sync


def answerer() -> Answerer:
    """The answerer over `knowledge/`, built on first use, once per process (the embedding cache keeps it fast),
    with the entries changed from the dashboard since then applied (one cheap database read per call)."""
    global _answerer, _sync
    with _lock:
        if _answerer is None or _sync is None:
            _answerer, _sync = _build()
        built, sync = _answerer, _sync
    sync.refresh_if_changed()
    return built


def dedup_embedder() -> Embedder | None:
    """The retriever's embedder, shared to compare a new escalation with the waiting ones of its commune;
    None when the retriever cannot be built (the escalation is then stored without deduplication)."""
    try:
        return answerer().retriever.embedder
    except Exception:
        logger.exception("no embedder for escalation deduplication")
        return None


@lru_cache(maxsize=1)
def communes() -> list[Commune]:
    """The configured communes, read once per process."""
    return load_communes()


def warm_up_in_worker() -> None:
    """Start building the retriever in the background when this is the serving worker process."""
    if os.environ.get("SANIC_WORKER_NAME"):
        threading.Thread(target=answerer, name="retriever-warm-up", daemon=True).start()
