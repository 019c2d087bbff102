"""The data of the retrieval benchmark: VNPT Money's FAQ and the project's own knowledge base with its
development questions, and the held-out questions written blind (never used for tuning, only reported)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.evaluation import EvalQuery, load_entries, load_queries
from bot.settings import PROJECT_ROOT

SHARED_EVAL = PROJECT_ROOT.parent / "shared" / "eval"
BENCH_DATA = PROJECT_ROOT / "bench" / "data"
VNPT_KNOWLEDGE = SHARED_EVAL / "vnpt_money" / "kb.jsonl"
VNPT_QUERIES = SHARED_EVAL / "vnpt_money" / "queries_dev.jsonl"
SHARED_OUT_OF_SCOPE = SHARED_EVAL / "out_of_scope_dev.jsonl"
OWN_KNOWLEDGE = PROJECT_ROOT / "knowledge"
OWN_TOPICS = ("dich_vu_cong", "thanh_toan_so", "bhyt_dien_tu", "ocop_tmdt", "ky_nang_so")
OWN_OUT_OF_SCOPE = BENCH_DATA / "queries_out_of_scope.jsonl"
HOLDOUT = BENCH_DATA / "holdout"
OWN_GROUPS = {"with diacritics": ("with_diacritics",), "without diacritics": ("no_diacritics",),
              "abbreviated": ("abbreviated",)}


@dataclass(frozen=True)
class Dataset:
    """A knowledge base with its test questions, and how the question kinds are grouped into table columns."""

    name: str
    entries: list[KnowledgeEntry]
    queries: list[EvalQuery]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Column label → the query kinds it covers (e.g. "without diacritics" → ("paraphrase_nodiac",))."""

    @property
    def in_scope(self) -> list[EvalQuery]:
        """The questions some entry should answer."""
        return [q for q in self.queries if q.expected is not None]

    @property
    def out_of_scope(self) -> list[EvalQuery]:
        """The questions no entry should answer."""
        return [q for q in self.queries if q.expected is None]


def _distinct(queries: list[EvalQuery]) -> list[EvalQuery]:
    """`queries` without repeated question texts (the first one kept)."""
    seen: set[str] = set()
    kept = []
    for query in queries:
        if query.query not in seen:
            seen.add(query.query)
            kept.append(query)
    return kept


def vnpt_dataset() -> Dataset:
    """VNPT Money's FAQ (imported as `trolyso eval` imports it), its paraphrases and the shared out-of-scope set."""
    return Dataset(
        name="VNPT Money",
        entries=load_entries(VNPT_KNOWLEDGE),
        queries=_distinct(load_queries(VNPT_QUERIES) + load_queries(SHARED_OUT_OF_SCOPE)),
        groups={"with diacritics": ("paraphrase",), "without diacritics": ("paraphrase_nodiac",)},
    )


def own_questions(folder: Path = BENCH_DATA) -> list[EvalQuery]:
    """The in-scope questions about our knowledge base in `folder` (one file per topic)."""
    return [q for topic in OWN_TOPICS for q in load_queries(folder / f"queries_{topic}.jsonl")]


def own_dataset() -> Dataset:
    """The project's knowledge base, the benchmark's own questions, and both out-of-scope sets."""
    in_scope = own_questions()
    return Dataset(
        name="own knowledge base",
        entries=load_entries(OWN_KNOWLEDGE),
        queries=_distinct(in_scope + load_queries(OWN_OUT_OF_SCOPE) + load_queries(SHARED_OUT_OF_SCOPE)),
        groups=OWN_GROUPS,
    )


def holdout_dataset() -> Dataset | None:
    """The project's knowledge base with the held-out questions (`bench/data/holdout/`), None without them."""
    if not HOLDOUT.is_dir():
        return None
    in_scope = own_questions(HOLDOUT)
    return Dataset(
        name="own knowledge base, held-out questions",
        entries=load_entries(OWN_KNOWLEDGE),
        queries=_distinct(in_scope + load_queries(HOLDOUT / "queries_out_of_scope.jsonl")),
        groups=OWN_GROUPS,
    )

