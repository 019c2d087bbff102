"""BM25 (bm25s) over diacritic-free syllables, with the idf and vocabulary the decision weighs words by."""

from __future__ import annotations

import logging
import math
from collections import Counter

import bm25s
import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG, on its own level


class LexicalIndex:
    """A BM25 index of token lists, rebuilt in one step when documents change."""

    def __init__(self) -> None:
        self._docs: list[tuple[str, ...]] = []
        self._model: bm25s.BM25 | None = None
        self._vocab: dict[str, int] = {}
        self._df: Counter[str] = Counter()

    def build(self, docs: list[tuple[str, ...]]) -> None:
        """Index `docs` (document i is a tuple of tokens); replaces what was indexed."""
        self._docs = list(docs)
        self._df = Counter(token for doc in self._docs for token in set(doc))
        self._vocab = {token: i for i, token in enumerate(sorted(self._df))}
        corpus_ids = [[self._vocab[t] for t in doc] for doc in self._docs]
        model = bm25s.BM25()
        model.index(bm25s.tokenization.Tokenized(ids=corpus_ids, vocab=self._vocab), show_progress=False)
        self._model = model

    def idf(self, token: str) -> float:
        """Inverse document frequency of `token` (0 for tokens in every document)."""
        n = max(len(self._docs), 1)
        return math.log(1 + (n - self._df.get(token, 0) + 0.5) / (self._df.get(token, 0) + 0.5))

    def knows(self, token: str) -> bool:
        """True when some indexed document contains `token`."""
        return token in self._df

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every document for the query (zeros when nothing matches)."""
        known = [self._vocab[t] for t in query_tokens if t in self._vocab]
        if self._model is None or not known:
            return np.zeros(len(self._docs), dtype=np.float32)
        scores: np.ndarray = self._model.get_scores(known)  # bm25s is untyped
        return scores
