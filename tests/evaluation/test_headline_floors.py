"""Floors of the headline figures on the development sets: a change that makes the assistant answer wrongly
more often, or right less often, fails here. The floors sit a little under the figures measured with the
configured decision (bench/RESULTS.md); timings are the benchmark's business, not this test's."""

from __future__ import annotations

import pytest

from bot.evaluation.runner import SetReport, run_set
from bot.retrieval.evaluation import load_entries
from bot.retrieval.question_sets import load_question_sets
from bot.retrieval.service import build_retriever
from bot.settings import Settings

pytestmark = pytest.mark.slow

FLOORS = {
    # set, group: (highest wrong-answer rate, lowest right-answer rate, lowest resolved-after-one-tap rate),
    # a few points beyond the cross-fitted figures of the calibration of 2026-12-06 (bench/RESULTS.md)
    ("own", "in_scope"): (0.04, 0.50, 0.60),
    ("own", "in_scope_second"): (0.05, 0.50, 0.60),
    ("own", "out_of_scope_far"): (0.03, 0.0, 0.0),
    ("own", "out_of_scope_near"): (0.08, 0.0, 0.0),
    ("vnpt", "in_scope"): (0.08, 0.69, 0.75),
    ("vnpt", "out_of_scope_far"): (0.03, 0.0, 0.0),
}
MAX_CONTEXT_ERRORS = 0.06
MAX_CHOICE_LISTS = 0.15


@pytest.fixture(scope="module")
def reports() -> dict[str, SetReport]:
    sets = [s for s in load_question_sets() if s.purpose == "development"]
    missing = [p for s in sets for p in s.missing_files()]
    assert not missing, f"development question files missing: {missing}"
    settings = Settings()
    return {s.name: run_set(s, build_retriever(settings, load_entries(s.knowledge))) for s in sets}


@pytest.mark.parametrize(("set_name", "group"), list(FLOORS))
def test_headline_floors(reports: dict[str, SetReport], set_name: str, group: str):
    figures = reports[set_name].groups[group]
    max_wrong, min_right, min_one_tap = FLOORS[(set_name, group)]
    assert figures.wrong <= max_wrong, figures
    assert figures.right >= min_right, figures
    assert figures.one_tap >= min_one_tap, figures


def test_choice_lists_stay_rare(reports: dict[str, SetReport]):
    for report in reports.values():
        assert report.groups["in_scope"].clarified <= MAX_CHOICE_LISTS, report.name


def test_conversations_keep_their_context_right(reports: dict[str, SetReport]):
    conversations = reports["own"].conversations
    assert conversations is not None and conversations.n == 100
    assert conversations.context_errors <= MAX_CONTEXT_ERRORS, conversations
