"""Finding clusters on the FAQ-gap page: a search, filters (programme, commune, reason), sorting and pages."""

from __future__ import annotations

from dataclasses import dataclass

from bot.gaps.report import GapCluster
from bot.text import fold

SORTS = {"size": "Nhiều câu hỏi nhất", "recent": "Mới nhất"}


@dataclass(frozen=True)
class GapQuery:
    """What the reviewer asked for; empty fields filter nothing."""

    text: str = ""
    programme: str = ""
    """A knowledge topic: the topic of the cluster's nearest entry."""
    commune: str = ""
    reason: str = ""
    sort: str = "size"


def _matches(cluster: GapCluster, query: GapQuery, words: list[str]) -> bool:
    if query.programme and (cluster.nearest_entry is None or cluster.nearest_entry.topic != query.programme):
        return False
    if query.commune and query.commune not in dict(cluster.communes):
        return False
    if query.reason and query.reason not in cluster.reasons:
        return False
    if words:
        haystack = fold(" ".join([*(t.text for t in cluster.texts),
                                  *(i.ticket_code for i in cluster.items if i.ticket_code)]))
        return all(word in haystack for word in words)
    return True


def find_clusters(clusters: list[GapCluster], query: GapQuery) -> list[GapCluster]:
    """The clusters matching every given filter and every word of the search (any case, with or without
    diacritics, in any wording or ticket code), largest or newest first."""
    words = fold(query.text).split()
    found = [cluster for cluster in clusters if _matches(cluster, query, words)]
    if query.sort == "recent":
        return sorted(found, key=lambda c: (-c.last_seen.timestamp(), -c.count))
    return sorted(found, key=lambda c: (-c.count, -c.last_seen.timestamp()))


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, its number (from 1) and how many pages there are."""

    rows: list[GapCluster]
    number: int
    pages: int
    total: int


def page_of(clusters: list[GapCluster], number: int, size: int) -> Page:
    """Page `number` of `clusters` (the last page when `number` is beyond it)."""
    pages = max(1, -(-len(clusters) // size))
    number = min(max(1, number), pages)
    return Page(clusters[(number - 1) * size:number * size], number, pages, len(clusters))
