"""Short follow-up questions ("còn trên điện thoại thì sao?") read with the previous question as context."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.retrieval.retriever import RetrievalResult, Retriever
from bot.text import fold

MAX_FOLLOWUP_WORDS = 8
"""Only messages this short are candidates for a follow-up."""

_MARKERS = re.compile(r"^(?:the con|vay con|con|con neu|the neu|vay neu)\b|\b(?:thi sao|thi the nao)$")
"""Folded openings and endings of follow-ups: "thế còn …", "còn … thì sao", "còn nếu …"."""


@dataclass(frozen=True)
class PreviousQuestion:
    """What the conversation was about: the last question and the entry that answered it, if any."""

    text: str | None = None
    entry_id: str | None = None
    """The entry that answered it: a follow-up asks for something else, so it is not offered again."""
    entry_question: str | None = None
    """The answering entry's question, clearer than what the citizen typed."""

    @property
    def query(self) -> str | None:
        """The text prepended to a follow-up."""
        return self.entry_question or self.text


@dataclass(frozen=True)
class Resolution:
    """The retrieval result chosen for a message, and whether the previous question was used."""

    result: RetrievalResult
    context_used: bool
    query: str
    """The query that produced `result`."""


def looks_like_followup(text: str) -> bool:
    """Short, and phrased as a continuation ("thế còn vssid?", "còn trên điện thoại thì sao")."""
    folded = fold(text)
    return 0 < len(folded.split()) <= MAX_FOLLOWUP_WORDS and bool(_MARKERS.search(folded))


def is_short(text: str) -> bool:
    """Few enough words to lean on the previous question."""
    return 0 < len(fold(text).split()) <= MAX_FOLLOWUP_WORDS


def resolve(retriever: Retriever, text: str, previous: PreviousQuestion | None) -> Resolution:
    """Search `text`; when it is short and weak on its own (or phrased as a follow-up), search it again
    after the previous question and keep whichever reading is more certain."""
    alone = retriever.search(text)
    if previous is None or not previous.query or not is_short(text):
        return Resolution(alone, False, text)
    followup = looks_like_followup(text)
    if alone.decision == "answer" and not followup:
        return Resolution(alone, False, text)
    combined_query = f"{previous.query} {text}"
    combined = _search_excluding(retriever, combined_query, previous.entry_id)
    if combined.decision == "abstain":
        return Resolution(alone, False, text)
    if alone.decision != "answer" or combined.confidence > alone.confidence:
        return Resolution(combined, True, combined_query)
    return Resolution(alone, False, text)


def _search_excluding(retriever: Retriever, query: str, entry_id: str | None) -> RetrievalResult:
    """`retriever.search(query)` without the entry that was just answered."""
    candidates = [c for c in retriever.rank(query) if c.entry_id != entry_id]
    decision, chosen = retriever.policy.decide(candidates)
    confidence = retriever.policy.confidence(candidates)
    return RetrievalResult(query=query, decision=decision, confidence=confidence, chosen=chosen,
                           candidates=candidates)
