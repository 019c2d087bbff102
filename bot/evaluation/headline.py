"""The headline figures of a question set, as a citizen feels them.

- **wrong-answer rate**: answered with an entry that is not among the expected ones (out of scope: any answer);
- **right-answer rate**: answered with an expected entry;
- **resolved-after-one-tap rate**: answered right, or a choice list with an expected entry among its buttons;
- hit@1, hit@3 and MRR of the ranking beside them, and the shares of choice lists and abstentions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.conversation.reading import Reading
from bot.knowledge.schema import KnowledgeEntry

RANK_DEPTH = 10


@dataclass(frozen=True)
class Judged:
    """One question of a set, what the assistant did with it, and whether that was right."""

    query: str
    expected: tuple[str, ...] | None
    """The acceptable entry ids, or None out of scope."""
    decision: str
    answered: tuple[str, ...]
    options: tuple[str, ...]
    """The entries offered as choices."""
    ranked: tuple[str, ...]
    """The ranked candidates' ids, best first."""
    reason: str | None
    context_used: bool
    seconds: float

    @property
    def in_scope(self) -> bool:
        """True when some entry should answer the question."""
        return self.expected is not None


def _stands_for(entry_id: str, expected: Sequence[str], entries: dict[str, KnowledgeEntry]) -> bool:
    entry = entries.get(entry_id)
    return entry is not None and any(entry.answers_for(e) for e in expected)


def judge(query: str, expected: tuple[str, ...] | None, reading: Reading, seconds: float,
          entries: dict[str, KnowledgeEntry]) -> Judged:
    """The verdict on one reading, with expected ids resolved to the entries that stand for them."""
    accepted = tuple(e for e in entries if expected and _stands_for(e, expected, entries)) if expected else None
    options = tuple(c.entry_id for c in reading.result.chosen) if reading.decision == "clarify" else ()
    return Judged(query, accepted if expected is not None else None, reading.decision, reading.answered, options,
                  tuple(c.entry_id for c in reading.result.candidates[:RANK_DEPTH]), reading.reason,
                  reading.resolution.context_used, seconds)


@dataclass(frozen=True)
class Headline:
    """The figures of one group of questions."""

    n: int
    wrong: float
    right: float
    one_tap: float
    clarified: float
    abstained: float
    procedure_replies: float
    """Share of questions answered with the "look it up on the portal" procedure reply."""
    hit1: float
    hit3: float
    mrr: float


def headline(judged: Sequence[Judged]) -> Headline:
    """The headline figures of one group (all in scope, or all out of scope)."""
    n = len(judged)
    if not n:
        return Headline(0, *([float("nan")] * 9))
    wrong = right = one_tap = clarified = abstained = procedure = 0
    hit1 = hit3 = reciprocal = 0.0
    for j in judged:
        accepted = set(j.expected or ())
        answered_right = bool(j.answered) and set(j.answered) <= accepted if j.in_scope else False
        wrong += bool(j.answered) and not answered_right
        right += answered_right
        one_tap += answered_right or (j.decision == "clarify" and bool(accepted & set(j.options)))
        clarified += j.decision == "clarify"
        abstained += j.decision == "abstain"
        procedure += j.reason == "procedure"
        rank = next((i for i, e in enumerate(j.ranked, 1) if e in accepted), None)
        hit1 += rank == 1
        hit3 += rank is not None and rank <= 3
        reciprocal += 1 / rank if rank else 0.0
    return Headline(n, wrong / n, right / n, one_tap / n, clarified / n, abstained / n, procedure / n,
                    hit1 / n, hit3 / n, reciprocal / n)
