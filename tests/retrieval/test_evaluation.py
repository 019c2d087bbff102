"""The metrics behind `trolyso eval`, and the command itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.retrieval.evaluation import (
    EvalQuery,
    QueryOutcome,
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


def test_percentile_interpolates():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5


def test_malformed_query_line_names_the_line(tmp_path: Path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"query": "a", "expected": ["x"], "kind": "k"}\n{"query": "b"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"q.jsonl:2"):
        load_queries(path)


def test_eval_command_prints_the_headline_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
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
    [report] = json.loads(capsys.readouterr().out)
    assert set(report["groups"]) == {"in_scope", "in_scope_second", "out_of_scope"}
    inside, outside = report["groups"]["in_scope"], report["groups"]["out_of_scope"]
    assert inside["n"] == 2 and inside["hit1"] == 1.0 and inside["wrong"] == 0.0
    assert inside["right"] + inside["clarified"] + inside["abstained"] == pytest.approx(1.0)
    assert outside["n"] == 1 and outside["wrong"] == 0.0 and outside["right"] == 0.0
    assert len(report["latencies_ms"]) == 3 and min(report["latencies_ms"]) > 0
