"""A SentencePiece "precompiled charsmap" (what `tokenizers.normalizers.Precompiled` reads) for a code-point map.

The blob is the one SentencePiece stores in its models: the byte size of a darts-clone double-array trie, the
trie's 32-bit units, then the replacement strings, each ending with a NUL byte. The trie's keys are the UTF-8
bytes of the mapped code points; its values are offsets into the strings. A unit of the trie holds a label byte
(bits 0–7), a has-leaf flag (bit 8) and the offset to its children (bits 10–30); the unit of a leaf holds its
value with bit 31 set. A child with label `c` of a node at position `p` and offset `o` sits at `p ^ o ^ c`, and
the node's value at `p ^ o`.
"""

from __future__ import annotations

import struct

LEAF_FLAG = 1 << 8
VALUE_FLAG = 1 << 31
MAX_OFFSET = 1 << 21


def precompiled_charsmap(mapping: dict[str, str]) -> bytes:
    """The charsmap blob that replaces every key of `mapping` (one code point) with its value."""
    strings = bytearray()
    values: dict[bytes, int] = {}
    for char, output in sorted(mapping.items()):
        if len(char) != 1:
            raise ValueError(f"keys are single code points, not {char!r}")
        values[char.encode("utf-8")] = len(strings)
        strings += output.encode("utf-8") + b"\0"
    units = _double_array(values)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(strings)


def _double_array(values: dict[bytes, int]) -> list[int]:
    """The darts-clone units of a trie mapping byte strings to values."""
    children: dict[bytes, set[int]] = {b"": set()}
    for key in values:
        for end in range(1, len(key) + 1):
            children.setdefault(key[:end], set())
            children[key[:end - 1]].add(key[end - 1])
    units = [0]
    used = {0}
    first_open_block = 0

    def free_base(slots: list[int]) -> int:
        """The lowest base whose slots are all free (a base's slots stay inside its block of 256)."""
        nonlocal first_open_block
        while all((first_open_block * 256 + s) in used for s in range(256)):
            first_open_block += 1
        block = first_open_block
        while True:
            for low in range(256):
                base = block * 256 + low
                if base != 0 and not any((base ^ slot) in used for slot in slots):
                    return base
            block += 1

    def place(prefix: bytes, position: int) -> None:
        labels = sorted(children[prefix])
        leaf = prefix in values
        slots = ([0] if leaf else []) + labels
        if not slots:
            return
        base = free_base(slots)
        offset = base ^ position
        if offset >= MAX_OFFSET:
            raise ValueError("the charsmap trie is too large")
        units.extend([0] * max(0, max(base ^ slot for slot in slots) + 1 - len(units)))
        units[position] |= offset << 10 | (LEAF_FLAG if leaf else 0)
        if leaf:
            units[base] = values[prefix] | VALUE_FLAG
            used.add(base)
        for label in labels:
            units[base ^ label] = label
            used.add(base ^ label)
        for label in labels:
            place(prefix + bytes([label]), base ^ label)

    place(b"", 0)
    return units
