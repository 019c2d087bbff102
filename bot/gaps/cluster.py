"""Grouping questions that express the same need, with the project's embedder and the words they share.

Each question gets one feature vector: its dense embedding (the configured embedder, through the on-disk
embedding cache) next to a TF-IDF vector of its diacritic-free syllables and syllable pairs, weighted so that
the dot product of two vectors is `DENSE_WEIGHT × cosine + LEXICAL_WEIGHT × word overlap`. The small
multilingual models rate most Vietnamese questions as close (cosines 0.85–0.96 even between unrelated ones);
the shared words separate needs that the embedding alone blurs. Questions are taken most frequent first and
join the group whose average similarity is highest, if it reaches the threshold; a second pass moves each
question to its best group once all groups exist.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize as l2_normalize

from bot.retrieval.documents import with_bigrams
from bot.retrieval.embedders import EmbeddingCache
from bot.retrieval.normalize import normalize

DENSE_WEIGHT = 0.5
LEXICAL_WEIGHT = 0.5
LEXICAL_FEATURES = 2**11


def dense_form(text: str) -> str:
    """The form of a question that is embedded: abbreviations expanded, diacritics removed."""
    return normalize(text).stripped


def lexical_form(text: str) -> str:
    """Diacritic-free syllables and syllable pairs, space-separated."""
    return " ".join(with_bigrams(normalize(text).lexical_tokens))


def lexical_vectors(texts: list[str]) -> np.ndarray:
    """L2-normalised TF-IDF vectors (hashed syllables and pairs; idf from `texts` themselves)."""
    if not texts:
        return np.zeros((0, LEXICAL_FEATURES), np.float32)
    hashed = HashingVectorizer(n_features=LEXICAL_FEATURES, token_pattern=r"\S+", alternate_sign=False,
                               norm=None, lowercase=False).transform([lexical_form(t) for t in texts])
    weighted = TfidfTransformer(sublinear_tf=True).fit_transform(hashed)
    return l2_normalize(weighted).toarray().astype(np.float32)


def features(texts: list[str], cache: EmbeddingCache) -> np.ndarray:
    """One row per text whose dot products are the combined similarity (1.0 for identical texts)."""
    dense = cache.encode_passages([dense_form(t) for t in texts]) if texts else np.zeros((0, 1), np.float32)
    return np.hstack([np.sqrt(DENSE_WEIGHT) * dense, np.sqrt(LEXICAL_WEIGHT) * lexical_vectors(texts)])


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
