"""What the actions share in one action-server process: the settings (read once, here), the database, the
province, and the answerer over the knowledge base.

The rasa-sdk server imports the actions twice: in its main process (which only supervises) and in the
worker that serves requests. The retriever is built once, in the worker, in the background as soon as
the worker starts; a request arriving earlier waits for it. Building it in the main process would also
fix the multiprocessing start method (tqdm creates a lock) before Sanic sets it, and Sanic refuses that.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from typing import Literal, TypeVar

from sqlalchemy import Engine

from bot.conversation.answering import Answerer
from bot.conversation.live_answerer import LiveAnswerer
from bot.db import get_engine
from bot.escalations.intake import (
    EscalationRequest,
    EscalationStatusView,
    citizen_tickets,
    escalation_status,
    submit_escalation,
)
from bot.escalations.workflow import Workflow
from bot.province import Commune, Province, load_province
from bot.questionlog import record_feedback
from bot.retrieval.batching import BatchingEmbedder, QueryBatcher
from bot.retrieval.embedders import Embedder
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ActionRuntime:
    """The services of the actions, for one configuration."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        """`engine` defaults to the process-wide engine of `settings.database_url`."""
        self.settings = settings
        self.engine = engine or get_engine(settings.database_url)
        self.province: Province = load_province(settings.communes_file)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._answerer = LiveAnswerer(settings, self.engine, wrap_embedder=self._batched)

    def _batched(self, embedder: Embedder) -> Embedder:
        """The retriever's embedder behind a batching queue on the action server's event loop."""
        return BatchingEmbedder(QueryBatcher(embedder), lambda: self._loop)

    async def in_thread(self, work: Callable[[], T]) -> T:
        """Run blocking `work` (retrieval, the database) in a worker thread, so the event loop keeps serving other
        requests; the query encodings of concurrent requests are batched on this loop."""
        self._loop = asyncio.get_running_loop()
        return await asyncio.to_thread(work)

    def answerer(self) -> Answerer:
        """The answerer over `KNOWLEDGE_DIR`, built on first use, with the dashboard's changes applied."""
        return self._answerer.get()

    def dedup_embedder(self) -> Embedder | None:
        """The retriever's embedder, shared to compare a new escalation with the waiting ones of its commune;
        None when the retriever cannot be built (the escalation is then stored without deduplication)."""
        try:
            return self.answerer().retriever.embedder
        except Exception:
            logger.exception("no embedder for escalation deduplication")
            return None

    def commune(self, code: str | None) -> Commune | None:
        """The configured commune with this code, if any."""
        return self.province.commune(code) if code else None

    def submit_escalation(self, request: EscalationRequest) -> str:
        """Store the escalation (deduplicated with the retriever's embedder); return its ticket code."""
        return submit_escalation(request, engine=self.engine, settings=self.settings, embedder=self.dedup_embedder())

    def escalation_status(self, ticket_code: str) -> EscalationStatusView | None:
        """The status of a ticket, for the citizen."""
        return escalation_status(ticket_code, engine=self.engine, settings=self.settings)

    def citizen_tickets(self, channel: str, chat_id: str) -> list[EscalationStatusView]:
        """The tickets of one citizen's chat, newest first ("phiếu của tôi")."""
        return citizen_tickets(channel, chat_id, engine=self.engine, settings=self.settings)

    def reopen_ticket(self, ticket_code: str, channel: str, chat_id: str) -> None:
        """The citizen reopens their answered ticket (`Workflow.reopen`)."""
        Workflow(self.engine, self.settings, self.province).reopen(ticket_code, channel, chat_id)

    def record_feedback(self, question_id: int | None, entry_id: str | None, rating: Literal["good", "bad"],
                        channel: str, sender: str, *, ticket_code: str | None = None) -> None:
        """Store a 👍/👎 on an answer of the assistant (`question_id`, `entry_id`) or of a team (`ticket_code`)."""
        record_feedback(question_id, entry_id, rating, channel, sender, ticket_code=ticket_code, engine=self.engine,
                        settings=self.settings)


_runtime: ActionRuntime | None = None
_runtime_lock = threading.Lock()


def runtime() -> ActionRuntime:
    """This process's runtime, created on first use from the settings (the action server's entry point)."""
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            _runtime = ActionRuntime(get_settings())
        return _runtime


def use_runtime(replacement: ActionRuntime | None) -> None:
    """Serve the actions from `replacement` (a test's database and settings); None goes back to the default."""
    global _runtime
    with _runtime_lock:
        _runtime = replacement


def warm_up_in_worker() -> None:
    """Start building the retriever in the background when this is the serving worker process."""
    if os.environ.get("SANIC_WORKER_NAME"):
        threading.Thread(target=lambda: runtime().answerer(), name="retriever-warm-up", daemon=True).start()
