"""Grouping questions that express the same need, with the project's embedder and the words they share.

Each question is reduced to its core (diacritics removed, abbreviations expanded, politeness such as
"cho em hỏi" or "ạ" dropped) and gets one feature vector: its dense embedding (the configured embedder,
through the on-disk embedding cache) next to a TF-IDF vector of its syllables and syllable pairs, weighted so
that the dot product of two vectors is `DENSE_WEIGHT × cosine + LEXICAL_WEIGHT × word overlap`. The small
multilingual models rate most Vietnamese questions as close (cosines 0.85–0.96 even between unrelated ones);
the shared words separate needs that the embedding alone blurs. Questions are taken most frequent first and
join the group whose average similarity is highest, if it reaches the threshold; a second pass moves each
question to its best group once all groups exist.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize as l2_normalize

from bot.retrieval.documents import with_bigrams
from bot.retrieval.embedders import EmbeddingCache
from bot.retrieval.normalize import normalize

DENSE_WEIGHT = 0.5
LEXICAL_WEIGHT = 0.5
LEXICAL_FEATURES = 2**11


_ADDRESSED = ("bac", "anh", "chi", "em", "ad", "admin", "ban", "co", "chu", "chau", "ong", "ba")
LEADING_FILLERS = sorted([*(("cho", who, "hoi") for who in ("em", "minh", "toi", "chau", "con")), ("cho", "hoi"),
                          ("xin", "hoi"), ("em", "hoi"), ("hoi",), *((who, "oi") for who in _ADDRESSED)],
                         key=len, reverse=True)
"""Ways of addressing someone before a question ("cho em hỏi", "bác ơi"), diacritics removed."""
TRAILING_FILLERS = sorted([("a",), ("ak",), ("ah",), ("nhe",), ("nha",), ("voi",), ("vay",), ("a", "oi"),
                           *(("giup", who) for who in ("em", "minh", "toi", "chau", "con", "voi"))],
                          key=len, reverse=True)
"""Politeness after a question ("ạ", "nhé", "giúp em")."""


CORE_WORDS_CACHED = 65_536
"""Texts whose core words are kept in memory: the knowledge entries' wordings and the recent questions, which
every gap report and export reads again."""


@lru_cache(maxsize=CORE_WORDS_CACHED)
def _core_words(text: str) -> tuple[str, ...]:
    words = normalize(text).stripped.split()
    changed = True
    while changed:
        changed = False
        for filler in LEADING_FILLERS:
            if len(words) > len(filler) and tuple(words[:len(filler)]) == filler:
                words, changed = words[len(filler):], True
        for filler in TRAILING_FILLERS:
            if len(words) > len(filler) and tuple(words[-len(filler):]) == filler:
                words, changed = words[:-len(filler)], True
    return tuple(words)


def core_words(text: str) -> list[str]:
    """The question's words without diacritics, abbreviations expanded, politeness around it removed."""
    return list(_core_words(text))


def dense_form(text: str) -> str:
    """The form of a question that is embedded."""
    return " ".join(core_words(text))


def lexical_form(text: str) -> str:
    """The question's core syllables and syllable pairs, space-separated."""
    return " ".join(with_bigrams(core_words(text)))


class LexicalSpace:
    """TF-IDF over hashed syllables and syllable pairs, with the idf of the questions being grouped.

    Knowledge entries are projected into the same space (their own, different word frequencies would
    otherwise change how close the questions are to each other).
    """

    def __init__(self, texts: list[str]) -> None:
        """Learn the idf of `texts` (at least one)."""
        self._hasher = HashingVectorizer(n_features=LEXICAL_FEATURES, token_pattern=r"\S+", alternate_sign=False,
                                         norm=None, lowercase=False)
        self._tfidf = TfidfTransformer(sublinear_tf=True).fit(self._hasher.transform([lexical_form(t) for t in texts]))

    def vectors(self, texts: list[str]) -> np.ndarray:
        """L2-normalised rows, one per text."""
        if not texts:
            return np.zeros((0, LEXICAL_FEATURES), np.float32)
        weighted = self._tfidf.transform(self._hasher.transform([lexical_form(t) for t in texts]))
        return np.asarray(l2_normalize(weighted).toarray(), dtype=np.float32)


def features(texts: list[str], cache: EmbeddingCache, space: LexicalSpace) -> np.ndarray:
    """One row per text whose dot products are the combined similarity (1.0 for identical texts)."""
    dense = cache.encode_passages([dense_form(t) for t in texts])
    return np.hstack([np.sqrt(DENSE_WEIGHT) * dense, np.sqrt(LEXICAL_WEIGHT) * space.vectors(texts)])


def cluster_labels(vectors: np.ndarray, weights: list[int], threshold: float) -> list[int]:
    """A group number per row (0, 1, … by order of creation); rows are visited heaviest first."""
    count = len(vectors)
    if count == 0:
        return []
    order = sorted(range(count), key=lambda i: -weights[i])
    sums = np.zeros_like(vectors)
    sizes = np.zeros(count, np.float32)
    labels = np.full(count, -1)
    groups = 0
    for i in order:
        if groups:
            scores = (sums[:groups] @ vectors[i]) / sizes[:groups]
            best = int(np.argmax(scores))
            if scores[best] >= threshold:
                labels[i] = best
                sums[best] += weights[i] * vectors[i]
                sizes[best] += weights[i]
                continue
        labels[i] = groups
        sums[groups] = weights[i] * vectors[i]
        sizes[groups] = weights[i]
        groups += 1
    scores = (vectors @ sums[:groups].T) / sizes[:groups]
    best = scores.argmax(axis=1)
    moved = np.where(scores[np.arange(count), best] >= threshold, best, labels)
    _, renumbered = np.unique(moved, return_inverse=True)
    return [int(label) for label in renumbered]
