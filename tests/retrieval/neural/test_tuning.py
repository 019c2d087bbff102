"""`trolyso tune`: triplets from the knowledge alone, batches without false negatives, a folder per knowledge."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.evaluation import load_entries
from bot.retrieval.neural.tuning import (
    STAMP_FILE,
    TuneSettings,
    ensure_tuned,
    entry_batches,
    entry_forms,
    knowledge_key,
    nearest_entries,
    training_triplets,
)
from bot.settings import PROJECT_ROOT
from bot.text import strip_diacritics


@pytest.fixture(scope="module")
def entries() -> list[KnowledgeEntry]:
    return load_entries(PROJECT_ROOT / "knowledge")


def test_every_question_and_alternate_form_is_an_anchor_against_its_own_entry(entries: list[KnowledgeEntry]):
    some = entries[:30]
    neighbours = [[(i + 1) % 30, (i + 2) % 30] for i in range(30)]
    triplets = training_triplets(some, neighbours, random.Random(1))
    first = some[0]
    anchors = {t.anchor for t in triplets if t.entry_id == first.id}
    expected = {form for text in (first.question, *first.alternates) for form in entry_forms(text)}
    assert anchors == expected
    near = {form for other in (some[1], some[2]) for form in entry_forms(other.question)}
    own = {form for text in (first.question, *first.alternates, first.answer[:600]) for form in entry_forms(text)}
    for triplet in (t for t in triplets if t.entry_id == first.id):
        assert triplet.negative in near and triplet.positive in own and triplet.positive != triplet.anchor
    assert any(strip_diacritics(a) != a and strip_diacritics(a) in anchors for a in anchors), "diacritic-free twins"


def test_batches_hold_each_triplet_once_and_never_two_of_one_entry(entries: list[KnowledgeEntry]):
    neighbours = [[(i + 1) % len(entries)] for i in range(len(entries))]
    triplets = training_triplets(entries, neighbours, random.Random(1))
    batches = entry_batches(triplets, 32, random.Random(2))
    assert Counter(t for b in batches for t in b) == Counter(triplets)
    assert all(len({t.entry_id for t in b}) == len(b) <= 32 for b in batches)
    assert sum(len(b) == 32 for b in batches) >= len(batches) - 3
    assert entry_batches(triplets, 32, random.Random(2)) == batches, "the same seed, the same batches"


def test_nearest_entries_are_other_entries_by_cosine():
    vectors = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert nearest_entries(vectors, 1) == [[1], [0], [3], [2]]


def test_the_key_changes_with_the_knowledge_and_the_settings_not_with_the_order(entries: list[KnowledgeEntry]):
    key = knowledge_key(entries, TuneSettings())
    assert knowledge_key(list(reversed(entries)), TuneSettings()) == key
    edited = [entries[0].model_copy(update={"answer": entries[0].answer + " Thêm một câu."}), *entries[1:]]
    assert knowledge_key(edited, TuneSettings()) != key
    assert knowledge_key(entries, TuneSettings(seed=16)) != key


def test_tuning_a_small_knowledge_writes_a_model_then_reuses_it(rebuilt_model: Path, entries: list[KnowledgeEntry],
                                                                tmp_path: Path):
    from sentence_transformers import SentenceTransformer

    small = entries[:8]
    settings = TuneSettings(batch_size=8, learning_rate=5e-5)
    result = ensure_tuned(rebuilt_model, small, tmp_path, settings)
    assert result.trained and result.triplets > 8 and (result.path / STAMP_FILE).is_file()
    assert result.path.name.startswith("e5-small-tuned-")
    assert ensure_tuned(rebuilt_model, small, tmp_path, settings).trained is False
    tuned = SentenceTransformer(str(result.path), device="cpu")
    base = SentenceTransformer(str(rebuilt_model), device="cpu")
    question = small[0].alternates[0]
    assert tuned.prompts["query"] == "query: " and tuned.max_seq_length == 512, "served as the base model is"
    assert not np.allclose(tuned.encode_query([question]), base.encode_query([question]), atol=1e-4)
