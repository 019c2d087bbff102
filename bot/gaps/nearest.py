"""The knowledge entries nearest to one question, by the similarity the FAQ-gap review uses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.gaps.cluster import LexicalSpace, features
from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.embedders import EmbeddingCache


@dataclass(frozen=True)
class NearEntry:
    """An entry and its similarity to the question (its closest wording counts)."""

    entry: KnowledgeEntry
    score: float


def topic_of(near: NearEntry | None, threshold: float) -> str | None:
    """A question's topic: its nearest entry's when that entry is at least `threshold` close (as close as one
    need, on the FAQ-gap page's measure); None (unknown) otherwise.

    The conversation's own guess is the topic of the last answer the citizen got, which says nothing of a new
    question ("chế độ thương binh" after an answer about VssID is not about health insurance).
    """
    return near.entry.topic if near is not None and near.score >= threshold else None


def nearest_entries(questions: list[str], entries: list[KnowledgeEntry], cache: EmbeddingCache,
                    count: int) -> list[NearEntry]:
    """The `count` entries closest to any of `questions` (wordings of one need), closest first.

    The similarity is the FAQ-gap review's: half embedding cosine, half shared words; an entry's closest
    wording counts.
    """
    questions = [q for q in questions if q.strip()]
    texts = [text for entry in entries for text in entry.texts()]
    owners = np.array([index for index, entry in enumerate(entries) for _ in entry.texts()])
    if not texts or not questions:
        return []
    space = LexicalSpace([*questions, *texts])
    scores = (features(texts, cache, space) @ features(questions, cache, space).T).max(axis=1)
    best = np.full(len(entries), -np.inf, np.float32)
    np.maximum.at(best, owners, scores)
    order = np.argsort(-best, kind="stable")[:count]
    return [NearEntry(entries[int(i)], float(best[i])) for i in order]


def nearest_each(questions: list[str], entries: list[KnowledgeEntry], cache: EmbeddingCache) -> list[NearEntry | None]:
    """For each question, the entry closest to it (None for an empty question), by the same similarity; the
    entries are embedded and projected once for all the questions."""
    texts = [text for entry in entries for text in entry.texts()]
    owners = np.array([index for index, entry in enumerate(entries) for _ in entry.texts()])
    asked = [q for q in questions if q.strip()]
    if not texts or not asked:
        return [None] * len(questions)
    space = LexicalSpace([*asked, *texts])
    scores = features(asked, cache, space) @ features(texts, cache, space).T
    found = iter(NearEntry(entries[int(owners[column])], float(row[column]))
                 for row, column in zip(scores, scores.argmax(axis=1), strict=True))
    return [next(found) if q.strip() else None for q in questions]
