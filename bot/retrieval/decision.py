"""Turns ranked candidates into a decision: answer, clarify, or abstain."""

from __future__ import annotations

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
    """Calibrated thresholds (see `trolyso eval`, which reports how they were chosen)."""

    coverage_weight: float
    """Weight of lexical coverage in the confidence: confidence = dense + weight × coverage."""
    answer_threshold: float
    """Below this confidence the assistant abstains."""
    clarify_margin: float
    """Candidates whose confidence is within this margin of the best one are offered together."""
    max_clarify: int = 3

    def confidence(self, candidate: Candidate) -> float:
        """One number for "how sure is the assistant that this entry answers the query"."""
        return candidate.dense + self.coverage_weight * candidate.coverage

    def decide(self, candidates: list[Candidate]) -> tuple[Decision, list[Candidate]]:
        """The decision and the candidates it concerns (one for answer, 2–3 for clarify)."""
        if not candidates:
            return "abstain", []
        best = candidates[0]
        top = self.confidence(best)
        if top < self.answer_threshold:
            return "abstain", []
        close = [c for c in candidates[1:self.max_clarify]
                 if self.confidence(c) >= self.answer_threshold and top - self.confidence(c) < self.clarify_margin]
        if close:
            return "clarify", [best, *close]
        return "answer", [best]
