"""Decision models with fixed weights, for tests that must not depend on the calibrated file."""

from __future__ import annotations

from bot.retrieval.decision import DecisionModel, Thresholds


def cosine_decision(cosine_at_half: float = 0.85, answer: float = 0.5, margin: float = 0.0, choice: float = 0.3,
                    width: float = 0.02) -> DecisionModel:
    """A model whose probability is a logistic curve of the cosine alone, 0.5 at `cosine_at_half`."""
    return DecisionModel(features=("dense",), mean=(cosine_at_half,), scale=(width,), weights=(1.0,), intercept=0.0,
                         thresholds=Thresholds(answer, margin, choice, choice / 2), fitted={"note": "test model"})


def always(decision: str) -> Thresholds:
    """Thresholds that always answer, always offer choices, or always abstain."""
    return {"answer": Thresholds(0.0, 0.0, 0.0, 0.0), "clarify": Thresholds(2.0, 0.0, 0.0, 0.0),
            "abstain": Thresholds(2.0, 0.0, 2.0, 2.0)}[decision]
