"""The answer decision: calibrated probabilities per candidate, then thresholds."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bot.retrieval.decision import Candidate, DecisionModel, Thresholds, candidate_signals
from bot.retrieval.salience import Salience, WeighedTokens
from tests.decision_models import cosine_decision


def candidate(entry_id: str, dense: float, fused: float, lexical: float = 5.0, coverage: float = 0.5) -> Candidate:
    return Candidate(entry_id, f"{entry_id}?", dense=dense, lexical=lexical, coverage=coverage, fused=fused,
                     entry_coverage=coverage, pair_coverage=coverage / 2)


SALIENCE = Salience(WeighedTokens({"vssid": 3.0, "cai": 1.0}, frozenset({"cai"})), WeighedTokens({"cai_vssid": 4.0}))


def test_signals_describe_each_candidate_against_the_best():
    rows = candidate_signals([candidate("a", 0.92, 1.0, lexical=9.0), candidate("b", 0.88, 0.6, lexical=3.0)],
                             SALIENCE, words=4)
    assert rows[0]["dense_gap"] == 0.0 and rows[1]["dense_gap"] == pytest.approx(0.04)
    assert rows[0]["lexical_ratio"] == 1.0 and rows[1]["lexical_ratio"] == pytest.approx(3 / 9)
    assert rows[0]["is_top"] == 1.0 and rows[1]["is_top"] == 0.0
    assert rows[0]["next_gap"] == pytest.approx(0.4) and rows[1]["fused_gap"] == pytest.approx(0.4)
    assert rows[0]["unknown_syllables"] == pytest.approx(1 / 4) and rows[0]["unknown_pairs"] == 0.0
    assert rows[0]["words"] == pytest.approx(math.log1p(4)) and rows[0]["verified"] == 0.0


def test_a_clear_best_is_answered_and_close_ones_are_offered_as_choices():
    model = cosine_decision(0.85, answer=0.6, margin=0.3, choice=0.4)
    clear = model.decide([candidate("a", 0.93, 1.0), candidate("b", 0.80, 0.3)], SALIENCE, 4)
    assert clear.decision == "answer" and [c.entry_id for c in clear.chosen] == ["a"]
    assert clear.confidence == pytest.approx(1 / (1 + math.exp(-4)))
    close = model.decide([candidate("a", 0.92, 1.0), candidate("b", 0.91, 0.9), candidate("c", 0.5, 0.1)],
                         SALIENCE, 4)
    assert close.decision == "clarify" and [c.entry_id for c in close.chosen] == ["a", "b"]


def test_candidates_are_reordered_by_probability():
    model = cosine_decision(0.85)
    verdict = model.decide([candidate("fused-first", 0.86, 1.0), candidate("more-likely", 0.95, 0.9)], SALIENCE, 4)
    assert [c.entry_id for c in verdict.candidates] == ["more-likely", "fused-first"]
    assert verdict.candidates[0].probability > verdict.candidates[1].probability


@pytest.mark.parametrize(("cosine", "reason"), [(0.84, "ambiguous"), (0.70, "not_covered")])
def test_abstentions_say_why(cosine: float, reason: str):
    model = cosine_decision(0.85, answer=0.9, choice=0.6)  # unsure from 0.3
    verdict = model.decide([candidate("a", cosine, 1.0)], SALIENCE, 4)
    assert verdict.decision == "abstain" and verdict.reason == reason and verdict.chosen == []


def test_no_candidate_abstains():
    verdict = cosine_decision().decide([], SALIENCE, 0)
    assert verdict.decision == "abstain" and verdict.reason == "not_covered" and verdict.confidence == 0.0


def test_a_model_survives_its_file(tmp_path: Path):
    model = DecisionModel(("dense", "coverage"), (0.8, 0.3), (0.05, 0.2), (1.5, 0.7), -0.2,
                          Thresholds(0.7, 0.1, 0.4, 0.2), considered=4, fitted={"questions": {"own/in_scope": 3}})
    path = tmp_path / "decision" / "model.json"
    model.save(path)
    assert DecisionModel.load(path) == model


def test_a_broken_model_file_is_refused_with_its_path(tmp_path: Path):
    path = tmp_path / "model.json"
    path.write_text('{"features": ["dense", "astrology"]}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"model\.json"):
        DecisionModel.load(path)
    with pytest.raises(ValueError, match="unknown decision features"):
        DecisionModel(("astrology",), (0.0,), (1.0,), (1.0,), 0.0, Thresholds(0.5, 0.0, 0.3, 0.15))
