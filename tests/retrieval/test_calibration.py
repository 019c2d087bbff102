"""Fitting the answer decision: cross-fitted probabilities, thresholds within the targets, one saved model."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from bot.retrieval.calibration import LabelledQuestion, Targets, calibrate, group_weights, rates
from bot.retrieval.decision import Candidate, Thresholds
from bot.retrieval.salience import Salience


def question(group: str, rng: random.Random, answerable: bool) -> LabelledQuestion:
    """In scope: the right entry is first with a high cosine; out of scope: every cosine is low."""
    best = rng.uniform(0.88, 0.97) if answerable else rng.uniform(0.70, 0.86)
    candidates = [Candidate(f"e{i}", "?", dense=best - 0.04 * i, lexical=10.0 - i, coverage=0.6 if answerable else 0.1,
                            fused=1.0 - 0.2 * i) for i in range(4)]
    return LabelledQuestion(group, "q", candidates, Salience(), 6, frozenset({"e0"}) if answerable else frozenset())


def test_calibration_meets_the_targets_on_separable_questions():
    rng = random.Random(7)
    questions = ([question("kb/in_scope", rng, True) for _ in range(80)]
                 + [question("kb/out_of_scope_near", rng, False) for _ in range(60)])
    result = calibrate(questions, ["dense", "coverage", "fused_gap"], Targets(), considered=3)
    assert result.met_targets
    assert result.per_group["kb/in_scope"].right >= 0.9
    assert result.per_group["kb/out_of_scope_near"].wrong <= 0.02
    model = result.model
    assert model.features == ("dense", "coverage", "fused_gap") and model.considered == 3
    assert model.fitted["questions"] == {"kb/in_scope": 80, "kb/out_of_scope_near": 60}
    inside = model.score(questions[0].candidates, Salience(), 6)[0]
    outside = model.score(questions[-1].candidates, Salience(), 6)[0]
    assert inside.probability > model.thresholds.answer_probability > outside.probability


def test_every_group_weighs_the_same():
    rng = random.Random(1)
    questions = [question("a/in_scope", rng, True) for _ in range(30)] + [question("b/in_scope", rng, True)]
    weights = group_weights(questions)
    assert weights["a/in_scope"] * 30 == pytest.approx(weights["b/in_scope"] * 1)


def test_rates_count_one_tap_resolutions():
    rng = random.Random(2)
    q = question("kb/in_scope", rng, True)
    offered = Thresholds(2.0, 0.0, 0.0, 0.0).choose([replace(c, probability=0.5) for c in q.candidates])
    r = rates([q], [offered])
    assert r.clarified == 1.0 and r.one_tap == 1.0 and r.right == 0.0 and r.wrong == 0.0
