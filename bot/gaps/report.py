"""The FAQ-gap report: gap items grouped into needs, each with its communes and the nearest knowledge entry."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import Engine

from bot.gaps.cluster import LexicalSpace, cluster_labels, features
from bot.gaps.items import GapItem, collect_items
from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.embedders import EmbeddingCache
from bot.text import fold

SAMPLE_QUESTIONS = 5


@dataclass(frozen=True)
class DistinctText:
    """One wording of a question and how many items used it."""

    text: str
    count: int


@dataclass
class GapCluster:
    """Items expressing one need."""

    items: list[GapItem]
    texts: list[DistinctText]
    """Distinct wordings, most frequent (then most central) first."""
    nearest_entry: KnowledgeEntry | None = None
    nearest_score: float = 0.0

    @property
    def key(self) -> str:
        """A short id of the cluster's items (changes when its items change)."""
        return hashlib.sha1(",".join(sorted(item.key for item in self.items)).encode()).hexdigest()[:10]

    @property
    def count(self) -> int:
        """How many items."""
        return len(self.items)

    @property
    def samples(self) -> list[str]:
        """A few wordings to show."""
        return [t.text for t in self.texts[:SAMPLE_QUESTIONS]]

    @property
    def communes(self) -> list[tuple[str, int]]:
        """(commune code, items) of the escalations in the cluster, most first."""
        return Counter(i.commune_code for i in self.items if i.commune_code).most_common()

    @property
    def reasons(self) -> dict[str, int]:
        """Items per reason (a key of `bot.gaps.items.REASON_LABELS`)."""
        return dict(Counter(item.reason for item in self.items))

    @property
    def kinds(self) -> dict[str, int]:
        """Items per kind."""
        return dict(Counter(item.kind for item in self.items))

    @property
    def last_seen(self) -> datetime:
        """When the newest item arrived."""
        return max(item.created_at for item in self.items)

    @property
    def team_answer(self) -> GapItem | None:
        """The newest escalation of the cluster a team has answered, if any."""
        answered = [i for i in self.items if i.kind == "escalated" and i.answer]
        return max(answered, key=lambda i: i.answered_at or i.created_at) if answered else None


@dataclass
class GapReport:
    """The clusters of a period, largest first."""

    since: datetime
    clusters: list[GapCluster] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        """Items in all clusters."""
        return sum(c.count for c in self.clusters)

    def find(self, key: str) -> GapCluster | None:
        """The cluster with this key, if it still exists."""
        return next((c for c in self.clusters if c.key == key), None)


def _entry_texts(entries: list[KnowledgeEntry]) -> tuple[list[str], list[int]]:
    texts, owners = [], []
    for index, entry in enumerate(entries):
        for text in entry.texts():
            texts.append(text)
            owners.append(index)
    return texts, owners


def cluster_items(items: list[GapItem], entries: list[KnowledgeEntry], cache: EmbeddingCache,
                  threshold: float) -> list[GapCluster]:
    """Group `items` by need and attach each group's nearest entry (by the same similarity)."""
    if not items:
        return []
    by_text: dict[str, list[GapItem]] = {}
    for item in items:
        by_text.setdefault(fold(item.text) or item.text, []).append(item)
    groups = list(by_text.values())  # the same words typed with or without diacritics count as one wording
    wordings = [max(group, key=lambda item: len(item.text.encode())).text for group in groups]
    entry_texts, owners = _entry_texts(entries)
    space = LexicalSpace(wordings)
    item_vectors = features(wordings, cache, space)
    entry_vectors = features(entry_texts, cache, space)
    labels = cluster_labels(item_vectors, [len(group) for group in groups], threshold)
    rows_of: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        rows_of.setdefault(label, []).append(row)
    clusters, centroids = [], []
    for label in sorted(rows_of):
        rows = rows_of[label]
        weights = np.array([len(groups[row]) for row in rows], np.float32)
        centroid = (weights @ item_vectors[rows]) / weights.sum()
        centrality = item_vectors[rows] @ centroid
        ordered = sorted(range(len(rows)), key=lambda i: (-weights[i], -centrality[i]))
        clusters.append(GapCluster(items=sorted((item for row in rows for item in groups[row]),
                                                key=lambda i: i.created_at),
                                   texts=[DistinctText(wordings[rows[i]], int(weights[i])) for i in ordered]))
        centroids.append(centroid)
    if len(entry_vectors):  # every cluster's nearest entry in one product (not one pass over the entries each)
        scores = entry_vectors @ np.stack(centroids).T
        for cluster, best, column in zip(clusters, scores.argmax(axis=0), scores.T, strict=True):
            cluster.nearest_entry, cluster.nearest_score = entries[owners[int(best)]], float(column[best])
    clusters.sort(key=lambda c: (-c.count, -c.last_seen.timestamp()))
    return clusters


def build_report(engine: Engine, since: datetime, entries: list[KnowledgeEntry], cache: EmbeddingCache,
                 threshold: float) -> GapReport:
    """The gap report of everything from `since` on that nobody has reviewed yet."""
    return GapReport(since, cluster_items(collect_items(engine, since), entries, cache, threshold))
