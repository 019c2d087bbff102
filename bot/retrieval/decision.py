"""Turns ranked candidates into a decision: answer, clarify, or abstain."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Decision = Literal["answer", "clarify", "abstain"]


@dataclass(frozen=True)
class Candidate:
    """One knowledge entry considered for a query, with every score that ranks or judges it."""

    entry_id: str
    question: str
    dense: float
    """Best cosine between the query and the entry's texts."""
    lexical: float
    """BM25 score of the entry (question, alternates and answer as one document)."""
    coverage: float
    """Share of the query's idf weight present in the entry's question and alternates."""
    fused: float
    """The ranking score (fusion of the dense and lexical rankings)."""


@dataclass(frozen=True)
class DecisionPolicy:
    """Calibrated thresholds (see `trolyso eval`, which reports how they were chosen).

    Two signals make the confidence: the best cosine between the query and any candidate's texts
    (is the question about something the knowledge base covers?) and the BM25 score of the top
    candidate on a log scale (do its words match?). On both development sets the mix separates
    in-scope from out-of-scope questions better than either signal alone.
    """

    lexical_weight: float
    """Weight of log(1 + BM25 score) in the confidence."""
    answer_threshold: float
    """Below this confidence the assistant abstains."""
    clarify_margin: float
    """Candidates whose score is within this margin of the best one are offered together."""
    max_clarify: int = 3

    def score(self, candidate: Candidate) -> float:
        """How well one candidate matches: its cosine plus its weighted lexical evidence."""
        return candidate.dense + self.lexical_weight * math.log1p(max(candidate.lexical, 0.0))

    def confidence(self, candidates: Sequence[Candidate]) -> float:
        """One number for "the best candidate answers the query" (0 without candidates)."""
        if not candidates:
            return 0.0
        best_cosine = max(c.dense for c in candidates)
        return best_cosine + self.lexical_weight * math.log1p(max(candidates[0].lexical, 0.0))

    def decide(self, candidates: Sequence[Candidate]) -> tuple[Decision, list[Candidate]]:
        """The decision and the candidates it concerns (one for answer, 2–3 for clarify)."""
        if not candidates or self.confidence(candidates) < self.answer_threshold:
            return "abstain", []
        best = candidates[0]
        top = self.score(best)
        close = [c for c in candidates[1:self.max_clarify] if top - self.score(c) < self.clarify_margin]
        if close:
            return "clarify", [best, *close]
        return "answer", [best]
