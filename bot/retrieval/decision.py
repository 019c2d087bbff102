"""Turns ranked candidates into a decision: answer, clarify, or abstain, from calibrated evidence.

Each of the best candidates gets a probability that it answers the query: a logistic regression over
several signals (its cosine and how far it is from the best cosine, its BM25 score, how much of the query's
salient weight the entry covers, how much of it the whole knowledge base lacks, its lead over the next
candidate, the query's length and the cross-encoder's probability when there is one). The regression and
its thresholds are fitted on the development sets by `trolyso calibrate` and stored in a versioned file
(`config/decision/`), never in code. The decision then follows the model's `Thresholds`:

- answer with the most probable entry when its probability reaches `answer_probability` and leads the next
  one by `answer_margin`;
- otherwise offer as choices the (up to three) entries whose probability reaches `choice_probability`;
- otherwise abstain: "ambiguous" when the best probability still reached `unsure_probability`,
  "not_covered" when nothing came close.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Literal

from bot.retrieval.salience import Salience

Decision = Literal["answer", "clarify", "abstain"]
AbstainReason = Literal["not_covered", "ambiguous"]

FEATURES: tuple[str, ...] = (
    "dense", "dense_gap", "lexical", "lexical_ratio", "coverage", "entry_coverage", "pair_coverage",
    "unknown_syllables", "unknown_pairs", "fused_gap", "next_gap", "is_top", "words", "verified",
)
"""Every signal a decision model may weigh (a model names the ones it uses, in its own order)."""


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
    """Share of the query's salient syllables' weight present in the entry's question and alternates."""
    fused: float
    """The ranking score (fusion of the dense and lexical rankings)."""
    entry_coverage: float = 0.0
    """Share of the query's salient syllables' weight present anywhere in the entry (its answer included)."""
    pair_coverage: float = 0.0
    """Share of the query's salient syllable pairs' weight present anywhere in the entry."""
    verified: float | None = None
    """The cross-encoder's probability that the entry answers the query, when a verifier is configured."""
    probability: float = 0.0
    """The decision model's calibrated probability that this entry answers the query."""


def candidate_signals(candidates: Sequence[Candidate], salience: Salience, words: int) -> list[dict[str, float]]:
    """The value of every signal in `FEATURES` for each candidate, in the given (fused) order."""
    if not candidates:
        return []
    best_dense = max(c.dense for c in candidates)
    best_lexical = max(c.lexical for c in candidates)
    unknown_syllables = salience.syllables.unknown_share()
    unknown_pairs = salience.pairs.unknown_share()
    rows = []
    for position, candidate in enumerate(candidates):
        following = candidates[position + 1].fused if position + 1 < len(candidates) else 0.0
        rows.append({
            "dense": candidate.dense,
            "dense_gap": best_dense - candidate.dense,
            "lexical": math.log1p(max(candidate.lexical, 0.0)),
            "lexical_ratio": candidate.lexical / best_lexical if best_lexical > 0 else 0.0,
            "coverage": candidate.coverage,
            "entry_coverage": candidate.entry_coverage,
            "pair_coverage": candidate.pair_coverage,
            "unknown_syllables": unknown_syllables,
            "unknown_pairs": unknown_pairs,
            "fused_gap": candidates[0].fused - candidate.fused,
            "next_gap": candidate.fused - following,
            "is_top": float(position == 0),
            "words": math.log1p(words),
            "verified": candidate.verified if candidate.verified is not None else 0.0,
        })
    return rows


@dataclass(frozen=True)
class Verdict:
    """What the decision model concluded."""

    decision: Decision
    chosen: list[Candidate]
    """The entry to answer with, the entries to offer, or none."""
    candidates: list[Candidate]
    """The considered candidates with their probabilities, most probable first, then the rest."""
    reason: AbstainReason | None = None
    """Why the assistant abstained (None when it answers or clarifies)."""

    @property
    def confidence(self) -> float:
        """The best candidate's probability (0 without candidates)."""
        return self.candidates[0].probability if self.candidates else 0.0


@dataclass(frozen=True)
class Thresholds:
    """The probabilities that turn scored candidates into a decision."""

    answer_probability: float
    """The best entry is given as the answer from this probability..."""
    answer_margin: float
    """...when it leads the next entry by at least this much."""
    choice_probability: float
    """Otherwise the entries from this probability are offered as choices."""
    unsure_probability: float
    """Otherwise, an abstention is "ambiguous" from this probability, else "not_covered"."""
    max_choices: int = 3

    def choose(self, scored: Sequence[Candidate]) -> Verdict:
        """The verdict on candidates already scored and sorted by probability, most probable first."""
        if not scored:
            return Verdict("abstain", [], [], "not_covered")
        best = scored[0]
        runner_up = scored[1].probability if len(scored) > 1 else 0.0
        if best.probability >= self.answer_probability and best.probability - runner_up >= self.answer_margin:
            return Verdict("answer", [best], list(scored))
        options = [c for c in scored[: self.max_choices] if c.probability >= self.choice_probability]
        if options:
            return Verdict("clarify", options, list(scored))
        reason: AbstainReason = "ambiguous" if best.probability >= self.unsure_probability else "not_covered"
        return Verdict("abstain", [], list(scored), reason)


@dataclass(frozen=True)
class DecisionModel:
    """A fitted logistic regression over candidate signals, and the thresholds that turn it into a decision."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    thresholds: Thresholds
    considered: int = 5
    """How many of the best fused candidates get a probability."""
    fitted: dict = field(default_factory=dict)
    """How the model was fitted: data, rule, date (printed by `trolyso eval`)."""

    def __post_init__(self) -> None:
        unknown = set(self.features) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown decision features: {sorted(unknown)}")
        if not len(self.features) == len(self.mean) == len(self.scale) == len(self.weights):
            raise ValueError("a decision model needs one mean, scale and weight per feature")

    @classmethod
    def uncalibrated(cls) -> DecisionModel:
        """A model that abstains on everything: for ranking alone, before `trolyso calibrate` has run."""
        return cls((), (), (), (), 0.0, Thresholds(2.0, 0.0, 2.0, 2.0), fitted={"note": "uncalibrated"})

    @property
    def uses_verifier(self) -> bool:
        """True when the model weighs the cross-encoder's probability."""
        return "verified" in self.features

    def probability(self, signals: dict[str, float]) -> float:
        """The calibrated probability for one candidate's signals."""
        z = self.intercept + sum(
            w * (signals[name] - m) / (s or 1.0)
            for name, m, s, w in zip(self.features, self.mean, self.scale, self.weights, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def score(self, candidates: Sequence[Candidate], salience: Salience, words: int) -> list[Candidate]:
        """The considered candidates with their probability, most probable first, then the others."""
        considered = list(candidates[: self.considered])
        scored = [replace(c, probability=self.probability(s))
                  for c, s in zip(considered, candidate_signals(considered, salience, words), strict=True)]
        scored.sort(key=lambda c: c.probability, reverse=True)
        return scored + list(candidates[self.considered:])

    def decide(self, candidates: Sequence[Candidate], salience: Salience, words: int) -> Verdict:
        """Answer, clarify or abstain, with the candidates concerned."""
        return self.thresholds.choose(self.score(candidates, salience, words))

    # ---- storage -------------------------------------------------------------------------------

    def as_dict(self) -> dict:
        """The JSON form written by `trolyso calibrate`."""
        return asdict(self)

    def save(self, path: Path) -> None:
        """Write the model as indented JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict) -> DecisionModel:
        """Read the JSON form (lists become tuples)."""
        values = dict(data)
        for key in ("features", "mean", "scale", "weights"):
            values[key] = tuple(values[key])
        values["thresholds"] = Thresholds(**values["thresholds"])
        return cls(**values)

    @classmethod
    def load(cls, path: Path) -> DecisionModel:
        """Read a model file; ValueError with the path when it is missing or malformed."""
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"cannot read the decision model {path}: {exc}") from exc
