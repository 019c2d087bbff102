"""Query embeddings computed off the event loop, the queries that arrive together encoded in one call.

`QueryBatcher` is a small async queue in front of an embedder: each caller awaits its own vector; while one
batch is being encoded (in a single worker thread, so the event loop keeps serving requests), the queries that
arrive wait and form the next batch. No query waits for a timer: a query arriving alone is encoded at once.
The encoders are about three times faster per text in batches than one text at a time.

`BatchingEmbedder` is an `Embedder` for code that runs in worker threads (the actions answer in threads): its
`encode_queries` hands the texts to the batcher on the event loop and waits for their vectors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from bot.retrieval.embedders import Embedder

MAX_BATCH = 64
"""The most queries encoded in one call (a burst larger than this is encoded in several calls)."""


class QueryBatcher:
    """Encodes queries for concurrent callers of one event loop, in batches, in one worker thread."""

    def __init__(self, embedder: Embedder, max_batch: int = MAX_BATCH) -> None:
        self.embedder = embedder
        self.max_batch = max_batch
        self._pending: list[tuple[str, asyncio.Future[np.ndarray]]] = []
        self._drainer: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="query-encoder")
        self.batch_sizes: list[int] = []
        """The size of every encoder call made so far (for tests and measurements)."""

    async def encode(self, texts: list[str]) -> np.ndarray:
        """The query vectors of `texts`, one row each, in order."""
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in texts]
        self._pending.extend(zip(texts, futures, strict=True))
        if self._drainer is None:
            self._drainer = loop.create_task(self._drain())
        rows = await asyncio.gather(*futures)
        return np.stack(rows) if rows else np.zeros((0, self.embedder.dim), np.float32)

    async def _drain(self) -> None:
        """Encode what is pending, batch after batch, until nothing is left."""
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                batch, self._pending = self._pending[:self.max_batch], self._pending[self.max_batch:]
                self.batch_sizes.append(len(batch))
                try:
                    vectors = await loop.run_in_executor(
                        self._executor, self.embedder.encode_queries, [text for text, _ in batch])
                except Exception as error:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_, future), vector in zip(batch, vectors, strict=True):
                    if not future.done():
                        future.set_result(vector)
        finally:
            self._drainer = None


class BatchingEmbedder:
    """The embedder of `batcher` for callers in worker threads: queries go through the batcher on the loop that
    `loop()` names (None, or a call from that loop's own thread, encodes directly); passages are encoded
    directly (index building and live updates, not per message)."""

    def __init__(self, batcher: QueryBatcher, loop: Callable[[], asyncio.AbstractEventLoop | None]) -> None:
        self._batcher = batcher
        self._loop = loop
        self.name = batcher.embedder.name
        self.dim = batcher.embedder.dim

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries, batched with the other threads' queries when a loop is running."""
        loop = self._loop()
        if loop is None or not loop.is_running() or _runs_in(loop):
            return self._batcher.embedder.encode_queries(texts)
        return asyncio.run_coroutine_threadsafe(self._batcher.encode(texts), loop).result()

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed indexed texts (directly)."""
        return self._batcher.embedder.encode_passages(texts)


def _runs_in(loop: asyncio.AbstractEventLoop) -> bool:
    """True when called from the thread that runs `loop` (waiting there for the loop would never end)."""
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False
