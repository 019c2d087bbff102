"""Fits the answer decision on development questions: a logistic regression, then its thresholds.

The method, in the order `trolyso calibrate` runs it:

1. Every development question is ranked; each of its best `considered` candidates is one example, labelled 1
   when the entry answers the question (its expected ids, merged ids included) and 0 otherwise; every
   candidate of an out-of-scope question is a 0. Each group of questions (a set's in-scope questions, its
   far out-of-scope questions, its near-domain out-of-scope questions) weighs the same in total, so that
   a large set does not drown a small one.
2. A logistic regression over standardised signals (`bot.retrieval.decision.FEATURES`) is fitted five
   times, each time without one fifth of the questions, to give every question probabilities from a
   model that did not see it (cross-fitting).
3. The thresholds are chosen on those held-back probabilities, on a grid: among the settings that keep
   every out-of-scope group's wrong-answer rate within `max_wrong_out_of_scope`, every in-scope group's
   within `max_wrong_in_scope` and its share of choice lists within `max_clarified`, the one with the best
   mean of the in-scope groups' right-answer and resolved-after-one-tap rates.
4. The regression is fitted once more on every question; that and the thresholds are the model saved.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from sklearn.linear_model import LogisticRegression

from bot.retrieval.decision import Candidate, DecisionModel, Thresholds, candidate_signals
from bot.retrieval.evaluation import EvalQuery
from bot.retrieval.retriever import Retriever
from bot.retrieval.salience import Salience
from bot.text import words

FOLDS = 5
SEED = 20261204
REGULARISATION = 1.0
"""Inverse L2 strength of the regression (scikit-learn's C)."""
ANSWER_GRID = tuple(round(0.2 + 0.025 * i, 3) for i in range(31))
MARGIN_GRID = (0.0, 0.05, 0.1, 0.2, 0.3)
CHOICE_GRID = tuple(round(0.1 + 0.05 * i, 2) for i in range(11))


@dataclass(frozen=True)
class LabelledQuestion:
    """One development question with its ranked candidates and which of them answer it."""

    group: str
    """`<set>/<in_scope|out_of_scope_far|out_of_scope_near>`."""
    query: str
    candidates: list[Candidate]
    salience: Salience
    words: int
    correct: frozenset[str]
    """Ids of the candidates that answer the question (empty out of scope)."""

    @property
    def in_scope(self) -> bool:
        """True for a question some entry should answer."""
        return self.group.endswith("/in_scope")


def label(retriever: Retriever, queries: Sequence[EvalQuery], group: str) -> list[LabelledQuestion]:
    """Rank each question and mark the candidates that answer it."""
    labelled = []
    for query in queries:
        candidates, weighed = retriever.ranked(query.query)
        correct = frozenset(
            c.entry_id for c in candidates
            if query.expected and any(retriever.entries[c.entry_id].answers_for(e) for e in query.expected)
        )
        labelled.append(LabelledQuestion(group, query.query, candidates, weighed, len(words(query.query)), correct))
    return labelled


@dataclass(frozen=True)
class Targets:
    """The limits the thresholds must respect on the development sets."""

    max_wrong_out_of_scope: float = 0.02
    max_wrong_in_scope: float = 0.03
    max_clarified: float = 0.12


@dataclass(frozen=True)
class GroupRates:
    """What a decision did with one group of questions."""

    n: int
    right: float
    wrong: float
    clarified: float
    one_tap: float
    abstained: float


def rates(questions: Sequence[LabelledQuestion], verdicts: Sequence) -> GroupRates:
    """Right, wrong, clarified, resolved-after-one-tap and abstained shares of one group's verdicts."""
    n = len(questions)
    right = wrong = clarified = one_tap = abstained = 0
    for question, verdict in zip(questions, verdicts, strict=True):
        chosen = {c.entry_id for c in verdict.chosen}
        if verdict.decision == "answer":
            is_right = bool(chosen & question.correct)
            right += is_right
            wrong += not is_right
            one_tap += is_right
        elif verdict.decision == "clarify":
            clarified += 1
            one_tap += bool(chosen & question.correct)
        else:
            abstained += 1
    def share(count: int) -> float:
        return count / n if n else 0.0

    return GroupRates(n, share(right), share(wrong), share(clarified), share(one_tap), share(abstained))


def _examples(questions: Sequence[LabelledQuestion], features: Sequence[str], considered: int,
              weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, labels, sample_weights = [], [], []
    for question in questions:
        top = question.candidates[:considered]
        for candidate, signals in zip(top, candidate_signals(top, question.salience, question.words), strict=True):
            rows.append([signals[name] for name in features])
            labels.append(int(candidate.entry_id in question.correct))
            sample_weights.append(weights[question.group])
    return np.array(rows, dtype=np.float64), np.array(labels), np.array(sample_weights)


def _fit(questions: Sequence[LabelledQuestion], features: Sequence[str], considered: int,
         weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    x, y, w = _examples(questions, features, considered, weights)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    regression = LogisticRegression(C=REGULARISATION, max_iter=5000)
    regression.fit((x - mean) / scale, y, sample_weight=w)
    return mean, scale, regression.coef_[0], float(regression.intercept_[0])


def _model(features: Sequence[str], fitted: tuple[np.ndarray, np.ndarray, np.ndarray, float],
           thresholds: Thresholds, considered: int, about: dict | None = None) -> DecisionModel:
    mean, scale, weights, intercept = fitted
    return DecisionModel(features=tuple(features), mean=tuple(float(v) for v in mean),
                         scale=tuple(float(v) for v in scale), weights=tuple(float(v) for v in weights),
                         intercept=intercept, thresholds=thresholds, considered=considered, fitted=about or {})


def group_weights(questions: Sequence[LabelledQuestion]) -> dict[str, float]:
    """Per-example weight of each group, so that every group weighs the same in total."""
    sizes: dict[str, int] = {}
    for question in questions:
        sizes[question.group] = sizes.get(question.group, 0) + 1
    return {group: len(questions) / (len(sizes) * size) for group, size in sizes.items()}


def cross_fitted(questions: Sequence[LabelledQuestion], features: Sequence[str],
                 considered: int) -> list[list[Candidate]]:
    """For each question, its considered candidates scored by a model fitted without it, most probable first."""
    weights = group_weights(questions)
    order = list(range(len(questions)))
    random.Random(SEED).shuffle(order)
    scored: list[list[Candidate]] = [[] for _ in questions]
    placeholder = Thresholds(1.0, 0.0, 1.0, 1.0)
    for fold in range(FOLDS):
        held = set(order[fold::FOLDS])
        model = _model(features, _fit([q for i, q in enumerate(questions) if i not in held], features, considered,
                                      weights), placeholder, considered)
        for i in held:
            question = questions[i]
            scored[i] = model.score(question.candidates, question.salience, question.words)[:considered]
    return scored


@dataclass(frozen=True)
class Calibration:
    """The fitted model and what the chosen thresholds gave on the held-back probabilities."""

    model: DecisionModel
    per_group: dict[str, GroupRates]
    met_targets: bool


def _evaluate(questions: Sequence[LabelledQuestion], scored: Sequence[list[Candidate]],
              thresholds: Thresholds) -> dict[str, GroupRates]:
    groups: dict[str, list[int]] = {}
    for i, question in enumerate(questions):
        groups.setdefault(question.group, []).append(i)
    return {group: rates([questions[i] for i in members], [thresholds.choose(scored[i]) for i in members])
            for group, members in sorted(groups.items())}


def _violation(per_group: dict[str, GroupRates], targets: Targets) -> float:
    excess = 0.0
    for group, r in per_group.items():
        if group.endswith("/in_scope"):
            excess += max(0.0, r.wrong - targets.max_wrong_in_scope) + max(0.0, r.clarified - targets.max_clarified)
        else:
            excess += max(0.0, r.wrong - targets.max_wrong_out_of_scope)
    return excess


def _merit(per_group: dict[str, GroupRates]) -> float:
    inside = [r for group, r in per_group.items() if group.endswith("/in_scope")]
    return sum(r.right + r.one_tap for r in inside) / (2 * len(inside)) if inside else 0.0


def choose_thresholds(questions: Sequence[LabelledQuestion], scored: Sequence[list[Candidate]],
                      targets: Targets) -> tuple[Thresholds, dict[str, GroupRates], bool]:
    """The grid setting that meets the targets with the best in-scope merit (else the least violation)."""
    best: tuple[float, float, Thresholds, dict[str, GroupRates]] | None = None
    for answer in ANSWER_GRID:
        for margin in MARGIN_GRID:
            for choice in CHOICE_GRID:
                if choice > answer:
                    continue
                thresholds = Thresholds(answer, margin, choice, round(choice / 2, 3))
                per_group = _evaluate(questions, scored, thresholds)
                key = (-_violation(per_group, targets), _merit(per_group))
                if best is None or key > (best[0], best[1]):
                    best = (key[0], key[1], thresholds, per_group)
    assert best is not None
    return best[2], best[3], best[0] == 0.0


def calibrate(questions: Sequence[LabelledQuestion], features: Sequence[str], targets: Targets = Targets(),
              considered: int = 5, about: dict | None = None) -> Calibration:
    """Fit the regression, choose the thresholds on cross-fitted probabilities, refit on everything."""
    scored = cross_fitted(questions, features, considered)
    thresholds, per_group, met = choose_thresholds(questions, scored, targets)
    counts: dict[str, int] = {}
    for question in questions:
        counts[question.group] = counts.get(question.group, 0) + 1
    description = {
        **(about or {}),
        "fitted_on": date.today().isoformat(),
        "questions": counts,
        "method": "logistic regression over standardised candidate signals, each group weighing the same; "
                  f"thresholds chosen on {FOLDS}-fold cross-fitted probabilities: wrong answers at most "
                  f"{targets.max_wrong_out_of_scope:.0%} per out-of-scope group and {targets.max_wrong_in_scope:.0%}"
                  f" per in-scope group, choice lists at most {targets.max_clarified:.0%} of in-scope questions,"
                  " then the best mean of right-answer and resolved-after-one-tap rates",
        "targets_met": met,
        "cross_fitted_rates": {group: r.__dict__ for group, r in per_group.items()},
    }
    fitted = _fit(questions, features, considered, group_weights(questions))
    model = _model(features, fitted, thresholds, considered, description)
    return Calibration(model, per_group, met)
