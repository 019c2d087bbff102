"""`trolyso kb stats` figures."""

from datetime import date

from bot.cli import main
from bot.knowledge.schema import KnowledgeEntry
from bot.knowledge.stats import compute_stats


def entry(entry_id: str, topic: str, alternates: int, review_by: date) -> KnowledgeEntry:
    return KnowledgeEntry(id=entry_id, topic=topic, question="Hỏi gì?", answer="Đáp.",
                          alternates=[f"cách {i}" for i in range(alternates)], review_by=review_by)


def test_stats_counts_topics_alternates_and_reviews():
    today = date(2026, 11, 21)
    stats = compute_stats([
        entry("a-1", "public_services", 3, date(2026, 11, 1)),
        entry("a-2", "public_services", 5, date(2026, 12, 1)),
        entry("b-1", "digital_skills", 4, date(2027, 6, 1)),
    ], today)
    assert stats.entries_per_topic == {"digital_skills": 1, "public_services": 2}
    assert (stats.alternates_min, stats.alternates_median, stats.alternates_max) == (3, 4, 5)
    assert stats.overdue == ["a-1"] and stats.due_soon == ["a-2"] and stats.without_source == 3


def test_stats_cli_prints_every_topic(capsys):
    assert main(["kb", "stats"]) == 0
    out = capsys.readouterr().out
    for topic in ("public_services", "cashless_payment", "health_insurance", "ocop_ecommerce", "digital_skills"):
        assert topic in out
