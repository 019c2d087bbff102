"""The metrics behind `trolyso eval`, and the command itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.retrieval.decision import Candidate
from bot.retrieval.evaluation import (
    EvalQuery,
    QueryOutcome,
    calibrate,
    load_queries,
    percentile,
    ranking_metrics,
    roc_auc,
)


def outcome(rank: int | None, confidence: float, in_scope: bool = True) -> QueryOutcome:
    query = EvalQuery("q", ("a",) if in_scope else None, "k" if in_scope else "out_of_scope")
    return QueryOutcome(query, [], rank, confidence, "answer", 0.001)


def test_ranking_metrics():
    metrics = ranking_metrics([outcome(1, 0.9), outcome(2, 0.9), outcome(None, 0.9), outcome(4, 0.9)])
    assert metrics == {"n": 4, "hit@1": 0.25, "hit@3": 0.5, "mrr": pytest.approx((1 + 0.5 + 0.25) / 4)}


def test_roc_auc_counts_ties_as_half():
    assert roc_auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert roc_auc([0.5], [0.5]) == 0.5
    assert roc_auc([0.3, 0.9], [0.5]) == 0.5


def test_calibration_picks_the_lowest_threshold_abstaining_on_95_percent():
    outside = [outcome(None, c / 100, in_scope=False) for c in range(60, 80)]
    inside = [outcome(1, c / 100) for c in range(70, 100)]
    calibration = calibrate(outside + inside)
    assert calibration is not None
    assert calibration.oos_abstained >= 0.95
    assert sum(o.confidence >= calibration.threshold for o in outside) == 1
    assert calibration.in_scope_kept == pytest.approx(sum(o.confidence >= calibration.threshold for o in inside) / 30)


def test_percentile_interpolates():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5


def test_malformed_query_line_names_the_line(tmp_path: Path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"query": "a", "expected": ["x"], "kind": "k"}\n{"query": "b"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"q.jsonl:2"):
        load_queries(path)


def test_eval_command_prints_the_agreed_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    knowledge = tmp_path / "kb.jsonl"
    pairs = [
        {"id": "qr-1", "question": "Thanh toán bằng mã QR thế nào?", "answer": "Mở ứng dụng ngân hàng, quét mã QR."},
        {"id": "vssid-1", "question": "Cài ứng dụng VssID ở đâu?", "answer": "Tải VssID trên CH Play hoặc App Store."},
    ]
    knowledge.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs), encoding="utf-8")
    queries = tmp_path / "q.jsonl"
    rows = [{"query": "quet qr tra tien", "expected": ["qr-1"], "kind": "no_diacritics"},
            {"query": "tải vssid ở đâu", "expected": ["vssid-1"], "kind": "with_diacritics"},
            {"query": "công thức nấu phở bò", "expected": None, "kind": "oos"}]
    queries.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert main(["eval", "--knowledge", str(knowledge), "--queries", str(queries), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"overall", "by_kind", "oos", "latency_ms"} <= set(data)
    assert data["overall"]["hit@1"] == 1.0 and set(data["by_kind"]) == {"no_diacritics", "with_diacritics"}
    assert data["oos"]["n"] == 1 and data["oos"]["roc_auc"] == 1.0
    assert data["latency_ms"]["p50"] > 0


def test_candidate_scores_mix_cosine_and_lexical_evidence():
    from bot.retrieval.decision import DecisionPolicy

    policy = DecisionPolicy(lexical_weight=0.01, answer_threshold=0.9, clarify_margin=0.005)
    strong = Candidate("a", "A?", dense=0.9, lexical=20.0, coverage=0.5, fused=1.0)
    close = Candidate("b", "B?", dense=0.9, lexical=19.5, coverage=0.5, fused=0.9)
    far = Candidate("c", "C?", dense=0.85, lexical=2.0, coverage=0.1, fused=0.5)
    assert policy.confidence([strong, far]) == pytest.approx(0.9 + 0.01 * 3.0445, abs=1e-3)
    assert policy.decide([strong, close])[0] == "clarify"
    assert policy.decide([strong, far]) == ("answer", [strong])
    assert policy.decide([far])[0] == "abstain"
