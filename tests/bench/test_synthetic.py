"""The synthetic knowledge base of the scaling benchmark: deterministic, nested, perturbed, valid."""

from __future__ import annotations

import random
import re

from bench.synthetic import (
    combine_halves,
    drop_syllable,
    remove_diacritics,
    scaled_knowledge,
    source_id,
    substitute_name,
    substitute_numbers,
    swap_syllables,
)
from bot.knowledge.schema import ID_PATTERN, KnowledgeEntry
from bot.text import fold

REAL = [
    KnowledgeEntry(id=f"e{i}", topic="cashless_payment", question=question, answer=f"Trả lời số {i}.")
    for i, question in enumerate([
        "Nạp tiền từ Vietcombank vào ví VNPT Money như thế nào?",
        "Hạn mức chuyển tiền 20 triệu một ngày có đổi được không?",
        "Quên mật khẩu VNeID thì lấy lại thế nào?",
        "Làm sao xem thẻ bảo hiểm y tế còn hạn không?",
        "Đăng ký bán sản phẩm OCOP trên Postmart ra sao?",
    ])
]


def test_the_same_seed_gives_the_same_entries_and_smaller_sizes_are_prefixes() -> None:
    large = scaled_knowledge(REAL, 60, seed=7)
    assert scaled_knowledge(REAL, 60, seed=7) == large
    assert scaled_knowledge(REAL, 25, seed=7) == large[:25]
    assert scaled_knowledge(REAL, 60, seed=8) != large


def test_real_entries_come_first_and_synthetic_ones_perturb_them() -> None:
    entries = scaled_knowledge(REAL, 60)
    assert entries[:len(REAL)] == REAL and len(entries) == 60
    synthetic = entries[len(REAL):]
    answers = {e.answer for e in REAL}
    assert all(e.answer in answers and re.match(ID_PATTERN, e.id) for e in synthetic)
    assert len({e.id for e in entries}) == 60
    questions = [fold(e.question) for e in entries]
    assert len(set(questions)) == len(questions), "every question differs from every other"


def test_asking_for_fewer_entries_than_the_real_ones_keeps_them_all() -> None:
    assert scaled_knowledge(REAL, 2) == REAL


def test_each_perturbation_changes_what_it_applies_to() -> None:
    rng = random.Random(1)
    tokens = REAL[1].question.split()
    assert sorted(swap_syllables(tokens, rng, REAL) or []) == sorted(tokens)
    assert len(drop_syllable(tokens, rng, REAL) or []) == len(tokens) - 1
    numbers = " ".join(substitute_numbers(tokens, rng, REAL) or [])
    assert "20" not in numbers and re.search(r"\b\d\d\b", numbers)
    assert substitute_numbers(REAL[2].question.split(), rng, REAL) is None
    named = " ".join(substitute_name(REAL[0].question.split(), rng, REAL) or [])
    assert "Vietcombank" not in named or "VNPT Money" not in named
    assert substitute_name(REAL[3].question.split(), rng, REAL) is None
    combined = combine_halves(tokens, rng, REAL) or []
    assert combined[: len(tokens) // 2] == tokens[: len(tokens) // 2]
    stripped = "han muc chuyen tien 20 trieu mot ngay co doi duoc khong?"
    assert remove_diacritics(tokens, rng, REAL) == stripped.split(" ")


def test_a_synthetic_entry_names_the_real_entry_it_copies() -> None:
    entries = scaled_knowledge(REAL, 20)
    by_id = {e.id: e for e in REAL}
    assert [source_id(e) for e in REAL] == [e.id for e in REAL]
    assert all(by_id[source_id(e)].answer == e.answer for e in entries[len(REAL):])
