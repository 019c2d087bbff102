"""Summary figures of a knowledge base for `trolyso kb stats`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from bot.knowledge.schema import KnowledgeEntry

DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class KnowledgeStats:
    """Entries per topic, alternates per entry, and review status."""

    entries_per_topic: dict[str, int]
    alternates_min: int
    alternates_median: float
    alternates_max: int
    without_source: int
    without_https_source: int
    overdue: list[str]
    due_soon: list[str]

    @property
    def total(self) -> int:
        """All entries."""
        return sum(self.entries_per_topic.values())


def compute_stats(entries: list[KnowledgeEntry], today: date | None = None) -> KnowledgeStats:
    """Figures for `entries` as of `today`."""
    today = today or date.today()
    alternates = [len(e.alternates) for e in entries] or [0]
    soon = today + timedelta(days=DUE_SOON_DAYS)
    return KnowledgeStats(
        entries_per_topic=dict(sorted(Counter(e.topic for e in entries).items())),
        alternates_min=min(alternates),
        alternates_median=median(alternates),
        alternates_max=max(alternates),
        without_source=sum(1 for e in entries if not e.source_url),
        without_https_source=sum(1 for e in entries if e.source_url and not e.source_url.startswith("https://")),
        overdue=[e.id for e in entries if e.review_by and e.review_by < today],
        due_soon=[e.id for e in entries if e.review_by and today <= e.review_by <= soon],
    )


def format_stats(stats: KnowledgeStats) -> str:
    """A plain-text table of the figures."""
    lines = ["topic                 entries", "--------------------  -------"]
    lines += [f"{topic:<20}  {count:>7}" for topic, count in stats.entries_per_topic.items()]
    lines += [
        f"{'total':<20}  {stats.total:>7}",
        "",
        f"alternates per entry: min {stats.alternates_min}, median {stats.alternates_median:g}, "
        f"max {stats.alternates_max}",
        f"entries without source: {stats.without_source}; with a non-https source: {stats.without_https_source}",
        f"past review date: {len(stats.overdue)}" + (f" ({', '.join(stats.overdue[:10])})" if stats.overdue else ""),
        f"due for review within {DUE_SOON_DAYS} days: {len(stats.due_soon)}"
        + (f" ({', '.join(stats.due_soon[:10])})" if stats.due_soon else ""),
    ]
    return "\n".join(lines)
