"""How the assistant reads one message in its conversation: which entries answer it, what stays unanswered.

- The message is searched once, alone or after the previous question when it cannot stand alone
  (`followup.resolve`).
- A message holding several questions ("… với lại …?") has each question searched too: the assistant answers
  the ones it knows (at most `MAX_ANSWERS` entries) and names the ones it could not answer.
- When nothing answers it and it asks about an administrative procedure, the procedure's name is kept, so
  that the reply can point to the national public-service portal instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.conversation.followup import PreviousQuestion, Resolution, resolve
from bot.conversation.procedures import load_procedure_words, procedure_name
from bot.conversation.question_parts import question_parts
from bot.retrieval.retriever import RetrievalResult, Retriever
from bot.text import fold

MAX_ANSWERS = 2
QUESTION_WORDS = frozenset({"khong", "ko", "k", "gi", "sao", "nao", "dau", "chua", "j", "ntn", "nhieu", "may", "ai"})
"""Folded words that make a part of a message a question: không, gì, sao, nào, đâu, chưa, bao nhiêu, mấy, ai."""
CLOSE_CANDIDATES = 3
"""A part whose best candidates include an answered entry counts as answered by it."""
ReadingReason = Literal["not_covered", "ambiguous", "procedure"]


@dataclass(frozen=True)
class Reading:
    """What the assistant understood of one message."""

    text: str
    resolution: Resolution
    """The search of the whole message (with the previous question when it was used)."""
    answered: tuple[str, ...] = ()
    """The entries to answer with, most relevant first (empty when the assistant does not answer)."""
    unanswered_parts: tuple[str, ...] = ()
    """The questions of the message that no entry answers, when others were answered."""
    procedure: str | None = None
    """The name of the administrative procedure asked about, when no entry covers it."""

    @property
    def result(self) -> RetrievalResult:
        """The retrieval result of the whole message."""
        return self.resolution.result

    @property
    def decision(self) -> Literal["answer", "clarify", "abstain"]:
        """Answer when some entry answers the message; else the whole message's clarify or abstain."""
        if self.answered:
            return "answer"
        return "clarify" if self.result.decision == "clarify" else "abstain"

    @property
    def reason(self) -> ReadingReason | None:
        """Why the assistant did not answer: an uncovered procedure, ambiguity, or nothing close enough."""
        if self.decision != "abstain":
            return None
        if self.procedure:
            return "procedure"
        return self.result.reason or "not_covered"


def _asks(part: str) -> bool:
    """True when a part is phrased as a question (not a sentence of the citizen's story)."""
    folded = fold(part).split()
    padded = f" {' '.join(folded)} "
    return part.rstrip().endswith("?") or any(
        f" {' '.join(phrase)} " in padded for phrase in load_procedure_words().asking
    ) or bool(QUESTION_WORDS & set(folded))


def read_message(retriever: Retriever, text: str, previous: PreviousQuestion | None) -> Reading:
    """Read `text` (a free-text message of the citizen) as the assistant answers it."""
    resolution = resolve(retriever, text, previous)
    main = resolution.result
    parts = [] if resolution.context_used else question_parts(text)
    answered: list[str] = [main.entry_id] if main.entry_id else []
    unanswered: list[str] = []
    if len(parts) > 1:
        results = [retriever.search(part) for part in parts]
        answered += [r.entry_id for r in results if r.entry_id and r.entry_id not in answered]
        answered = answered[:MAX_ANSWERS]
        for part, result in zip(parts, results, strict=True):
            near = {c.entry_id for c in result.candidates[:CLOSE_CANDIDATES]}
            if result.entry_id is None and not near & set(answered) and _asks(part):
                unanswered.append(part)
    answered = answered[:MAX_ANSWERS]
    if not answered:
        unanswered = []
    procedure = procedure_name(text) if not answered and main.decision == "abstain" else None
    return Reading(text, resolution, tuple(answered), tuple(unanswered), procedure)
