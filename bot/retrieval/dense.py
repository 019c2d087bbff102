"""A FAISS inner-product index of L2-normalised vectors with stable integer ids."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

_CORES = faiss.omp_get_max_threads()
SINGLE_THREAD_MAX_VECTORS = 200_000
"""Up to this size one query is searched on one thread: waking FAISS's OpenMP pool costs more than the
search itself and its spinning threads slow the query encoder, which needs the cores next."""


class DenseIndex:
    """Cosine search over vectors; vectors can be added and removed by id without a rebuild."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add `vectors` under `ids` (int64)."""
        if len(ids):
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))

    def remove(self, ids: list[int]) -> None:
        """Remove the vectors with these ids."""
        if ids:
            # faiss's stub types remove_ids as taking an IDSelector only; its Python wrapper also takes an id array
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))  # type: ignore[arg-type]

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The `k` best (scores, ids) for one query vector; ids of -1 mark empty slots."""
        k = min(k, len(self)) or 1
        faiss.omp_set_num_threads(1 if len(self) <= SINGLE_THREAD_MAX_VECTORS else _CORES)
        scores, ids = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        return scores[0], ids[0]

    def vectors(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of `ids`."""
        return np.stack([self._index.reconstruct(int(i)) for i in ids]) if ids else np.zeros((0, self.dim))

    def save(self, path: Path) -> None:
        """Write the index to `path` (atomically: a reader never sees a half-written file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".partial")
        faiss.write_index(self._index, str(partial))
        partial.replace(path)

    @classmethod
    def load(cls, path: Path, dim: int) -> DenseIndex:
        """Read an index written by `save`; ValueError when it does not hold `dim`-sized vectors."""
        stored = faiss.read_index(str(path))
        if not isinstance(stored, faiss.IndexIDMap2):
            raise ValueError(f"{path} is not an index written by DenseIndex.save")
        if stored.d != dim:
            raise ValueError(f"{path} holds {stored.d}-dimensional vectors, expected {dim}")
        index = cls(dim)
        index._index = stored
        return index
