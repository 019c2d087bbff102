"""The one retrieval code path used by the Rasa actions, the CLI, the benchmark and the dashboard."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.decision import AbstainReason, Candidate, Decision, DecisionModel
from bot.retrieval.dense import DenseIndex
from bot.retrieval.diacritics import DiacriticRestorer
from bot.retrieval.documents import Document, entry_documents, with_bigrams
from bot.retrieval.embedders import Embedder, EmbeddingCache
from bot.retrieval.lexical import LexicalIndex
from bot.retrieval.normalize import normalize
from bot.retrieval.salience import Salience, salience
from bot.retrieval.snapshots import load_snapshot, save_snapshot, snapshot_path
from bot.text import words

Fusion = Literal["weighted", "rrf"]
RRF_K = 60
DENSE_DOCS_SEARCHED = 120
CANDIDATES_PER_SIGNAL = 20
RANKED_CANDIDATES = 10
"""Candidates a search keeps, best first."""


@dataclass(frozen=True)
class RetrievalResult:
    """What the retriever concluded for one query."""

    query: str
    decision: Decision
    confidence: float
    chosen: list[Candidate]
    """The entry to answer with (answer), the entries to offer (clarify), or none (abstain)."""
    candidates: list[Candidate] = field(default_factory=list)
    """The best candidates, best first, whatever the decision."""
    salience: Salience = field(default_factory=Salience)
    """The query's salient words, weighed against the knowledge base."""
    reason: AbstainReason | None = None
    """Why the assistant abstained (None when it answers or clarifies)."""

    @property
    def entry_id(self) -> str | None:
        """The answering entry's id when the decision is `answer`."""
        return self.chosen[0].entry_id if self.decision == "answer" else None


def min_max(scores: dict[str, float]) -> dict[str, float]:
    """Scores rescaled to 0..1 within the candidate pool."""
    low, high = min(scores.values(), default=0.0), max(scores.values(), default=0.0)
    span = high - low
    return {k: (v - low) / span if span > 0 else 1.0 for k, v in scores.items()}


class Retriever:
    """Hybrid dense + BM25 retrieval over knowledge entries, updatable while serving."""

    def __init__(self, embedder: Embedder, decision_model: DecisionModel, cache: EmbeddingCache | None = None,
                 fusion: Fusion = "weighted", dense_weight: float = 0.2) -> None:
        self.embedder = embedder
        self.decision_model = decision_model
        self.fusion = fusion
        self.dense_weight = dense_weight
        self._cache = cache
        self._lock = threading.RLock()
        self.entries: dict[str, KnowledgeEntry] = {}
        self._documents: dict[int, Document] = {}
        self._entry_docs: dict[str, list[int]] = defaultdict(list)
        self._entry_tokens: dict[str, set[str]] = {}
        """Lexical tokens of each entry's question and alternates."""
        self._entry_all_tokens: dict[str, set[str]] = {}
        """Lexical tokens of each entry's question, alternates and answer."""
        self._next_doc_id = 0
        self._next_vector_id = 0
        self._dense = DenseIndex(embedder.dim)
        self._dense_doc_ids: dict[int, int] = {}  # faiss vector id -> document id
        self._entry_vectors: dict[str, list[int]] = defaultdict(list)
        self._lexical = LexicalIndex()
        self._entry_order: list[str] = []
        self._entry_position: dict[str, int] = {}
        self._restorer = DiacriticRestorer()

    # ---- building and live updates -------------------------------------------------------------

    def _encode_passages(self, texts: list[str]) -> np.ndarray:
        if self._cache is not None:
            return self._cache.encode_passages(texts)
        return self.embedder.encode_passages(texts)

    def _register(self, entries: list[KnowledgeEntry]) -> tuple[list[str], list[tuple[str, int]]]:
        """Record the entries' documents; return the texts to embed and, for each, its entry and document."""
        texts: list[str] = []
        vector_owners: list[tuple[str, int]] = []
        for entry in entries:
            self.entries[entry.id] = entry
            tokens: set[str] = set()
            all_tokens: set[str] = set()
            for document in entry_documents(entry):
                doc_id = self._next_doc_id
                self._next_doc_id += 1
                self._documents[doc_id] = document
                self._entry_docs[entry.id].append(doc_id)
                if document.kind != "answer":
                    tokens.update(document.lexical_tokens)
                all_tokens.update(document.lexical_tokens)
                self._restorer.add([document.dense_texts[0]])
                for text in document.dense_texts:
                    texts.append(text)
                    vector_owners.append((entry.id, doc_id))
            self._entry_tokens[entry.id] = tokens
            self._entry_all_tokens[entry.id] = all_tokens
        return texts, vector_owners

    def _assign_vector_ids(self, vector_owners: list[tuple[str, int]]) -> np.ndarray:
        ids = np.arange(self._next_vector_id, self._next_vector_id + len(vector_owners), dtype=np.int64)
        self._next_vector_id += len(vector_owners)
        for vector_id, (entry_id, doc_id) in zip(ids.tolist(), vector_owners, strict=True):
            self._dense_doc_ids[vector_id] = doc_id
            self._entry_vectors[entry_id].append(vector_id)
        return ids

    def _add_entries(self, entries: list[KnowledgeEntry]) -> None:
        texts, vector_owners = self._register(entries)
        self._dense.add(self._assign_vector_ids(vector_owners), self._encode_passages(texts))

    def _remove_entry(self, entry_id: str) -> None:
        self.entries.pop(entry_id, None)
        vector_ids = self._entry_vectors.pop(entry_id, [])
        self._dense.remove(vector_ids)
        for vector_id in vector_ids:
            self._dense_doc_ids.pop(vector_id, None)
        for doc_id in self._entry_docs.pop(entry_id, []):
            document = self._documents.pop(doc_id, None)
            if document is not None:
                self._restorer.remove([document.dense_texts[0]])
        self._entry_tokens.pop(entry_id, None)
        self._entry_all_tokens.pop(entry_id, None)

    def _rebuild_lexical(self) -> None:
        """One BM25 document per entry: its question, alternates and answer together."""
        self._entry_order = list(self.entries)
        self._entry_position = {entry_id: i for i, entry_id in enumerate(self._entry_order)}
        self._lexical.build([
            tuple(token for doc_id in self._entry_docs[entry_id] for token in self._documents[doc_id].lexical_tokens)
            for entry_id in self._entry_order
        ])

    def build(self, entries: list[KnowledgeEntry], snapshot_dir: Path | None = None) -> None:
        """Index `entries`, replacing whatever was indexed.

        With `snapshot_dir`, the dense index is read from a snapshot made for exactly these texts and
        this model when there is one, and written there otherwise (the next start then loads it).
        """
        with self._lock:
            self.entries.clear()
            self._documents.clear()
            self._entry_docs.clear()
            self._entry_tokens.clear()
            self._entry_all_tokens.clear()
            self._dense_doc_ids.clear()
            self._entry_vectors.clear()
            self._restorer = DiacriticRestorer()
            self._next_doc_id = self._next_vector_id = 0
            texts, vector_owners = self._register(entries)
            ids = self._assign_vector_ids(vector_owners)
            snapshot = snapshot_path(snapshot_dir, self.embedder.name, texts) if snapshot_dir else None
            loaded = load_snapshot(snapshot, self.embedder.dim, len(texts)) if snapshot else None
            if loaded is not None:
                self._dense = loaded
            else:
                self._dense = DenseIndex(self.embedder.dim)
                self._dense.add(ids, self._encode_passages(texts))
                if snapshot is not None:
                    save_snapshot(self._dense, snapshot)
            self._rebuild_lexical()

    def upsert(self, entry: KnowledgeEntry) -> None:
        """Add a new entry or replace an existing one, live."""
        with self._lock:
            self._remove_entry(entry.id)
            self._add_entries([entry])
            self._rebuild_lexical()

    def remove(self, entry_id: str) -> bool:
        """Remove an entry, live; False when it was not indexed."""
        with self._lock:
            if entry_id not in self.entries:
                return False
            self._remove_entry(entry_id)
            self._rebuild_lexical()
            return True

    def __len__(self) -> int:
        return len(self.entries)

    # ---- searching ---------------------------------------------------------------------------

    def _dense_scores(self, query_vector: np.ndarray) -> dict[str, float]:
        scores, vector_ids = self._dense.search(query_vector, DENSE_DOCS_SEARCHED)
        best: dict[str, float] = {}
        for score, vector_id in zip(scores.tolist(), vector_ids.tolist(), strict=True):
            document = self._documents.get(self._dense_doc_ids.get(vector_id, -1))
            if document is not None and score > best.get(document.entry_id, -1.0):
                best[document.entry_id] = score
        return best

    def _entry_dense_score(self, entry_id: str, query_vector: np.ndarray) -> float:
        vectors = self._dense.vectors(self._entry_vectors[entry_id])
        return float((vectors @ query_vector).max()) if len(vectors) else 0.0

    def _query_vector(self, cleaned: str) -> np.ndarray:
        """The dense vector of a cleaned query, its diacritics restored from the knowledge base first."""
        with self._lock:
            dense_query = self._restorer.restore(cleaned)
        vector: np.ndarray = self.embedder.encode_queries([dense_query])[0]
        return vector

    def dense_scores(self, query: str) -> dict[str, float]:
        """Dense similarity alone: each entry near the query with its best cosine (for baselines and tools)."""
        forms = normalize(query)
        if not forms.cleaned or not self.entries:
            return {}
        vector = self._query_vector(forms.cleaned)
        with self._lock:
            return self._dense_scores(vector)

    def lexical_scores(self, query: str) -> dict[str, float]:
        """BM25 alone: each entry sharing a token with the query, with its score (for baselines and tools)."""
        tokens = with_bigrams(normalize(query).lexical_tokens)
        with self._lock:
            scores = self._lexical.scores(tokens)
            return {self._entry_order[i]: float(scores[i]) for i in np.flatnonzero(scores > 0)}

    def rank(self, query: str, limit: int = RANKED_CANDIDATES) -> list[Candidate]:
        """Candidates for `query`, best first by the fused score."""
        return self.ranked(query, limit)[0]

    def ranked(self, query: str, limit: int = RANKED_CANDIDATES) -> tuple[list[Candidate], Salience]:
        """The best candidates by the fused score, and the query's salience (what the decision weighs)."""
        forms = normalize(query)
        if not forms.cleaned or not self.entries:
            return [], Salience()
        query_vector = self._query_vector(forms.cleaned)
        with self._lock:
            dense = self._dense_scores(query_vector)
            query_tokens = with_bigrams(forms.lexical_tokens)
            lexical = self._lexical.scores(query_tokens)
            dense_top = sorted(dense, key=dense.__getitem__, reverse=True)[:CANDIDATES_PER_SIGNAL]
            lexical_top = [self._entry_order[i] for i in np.argsort(-lexical)[:CANDIDATES_PER_SIGNAL]
                           if lexical[i] > 0]
            pool = list(dict.fromkeys(dense_top + lexical_top))
            dense_of = {e: dense[e] if e in dense else self._entry_dense_score(e, query_vector) for e in pool}
            lexical_of = {e: float(lexical[self._entry_position[e]]) for e in pool}
            fused = self._fuse(pool, dense_of, lexical_of)
            weighed = salience(forms.lexical_tokens, self._lexical.idf, self._lexical.knows)
            candidates = [
                Candidate(entry_id=e, question=self.entries[e].question, dense=dense_of[e], lexical=lexical_of[e],
                          coverage=weighed.syllables.covered_share(self._entry_tokens[e]),
                          fused=fused[e],
                          entry_coverage=weighed.syllables.covered_share(self._entry_all_tokens[e]),
                          pair_coverage=weighed.pairs.covered_share(self._entry_all_tokens[e]))
                for e in pool
            ]
        candidates.sort(key=lambda c: c.fused, reverse=True)
        return candidates[:limit], weighed

    def _fuse(self, pool: list[str], dense: dict[str, float], lexical: dict[str, float]) -> dict[str, float]:
        if self.fusion == "rrf":
            dense_rank = {e: r for r, e in enumerate(sorted(pool, key=dense.__getitem__, reverse=True))}
            lexical_rank = {e: r for r, e in enumerate(sorted(pool, key=lexical.__getitem__, reverse=True))}
            return {e: 1 / (RRF_K + dense_rank[e]) + 1 / (RRF_K + lexical_rank[e]) for e in pool}
        dense_norm, lexical_norm = min_max(dense), min_max(lexical)
        return {e: self.dense_weight * dense_norm[e] + (1 - self.dense_weight) * lexical_norm[e] for e in pool}

    def search(self, query: str, exclude: frozenset[str] = frozenset()) -> RetrievalResult:
        """Rank and decide: answer with one entry, offer a few to choose from, or abstain.

        Entries in `exclude` are left out (a follow-up does not get the answer it just had).
        """
        candidates, weighed = self.ranked(query, RANKED_CANDIDATES + len(exclude))
        candidates = [c for c in candidates if c.entry_id not in exclude][:RANKED_CANDIDATES]
        verdict = self.decision_model.decide(candidates, weighed, len(words(query)))
        return RetrievalResult(query=query, decision=verdict.decision, confidence=verdict.confidence,
                               chosen=verdict.chosen, candidates=verdict.candidates, salience=weighed,
                               reason=verdict.reason)
