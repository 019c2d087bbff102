"""From a citizen's message to the assistant's reply: answer, clarify, abstain, or a polite "cannot read this"."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.dialogue import chosen_option
from bot.conversation.followup import PreviousQuestion
from bot.conversation.input_check import classify_input
from bot.conversation.reading import Reading, read_message
from bot.conversation.replies import (
    abstain_message,
    answer_messages,
    answers_messages,
    clarify_message,
    procedure_message,
    unanswered_parts_message,
    unknown_entry_message,
    unreadable_message,
)
from bot.conversation.topics import MenuTopic, menu_message, topic_message, topic_questions
from bot.knowledge.schema import KnowledgeEntry
from bot.messages import Message
from bot.retrieval.normalize import load_abbreviations
from bot.retrieval.retriever import Retriever
from bot.text import fold

logger = logging.getLogger(__name__)

OFFER_ESCALATION = "escalation"
SCORED_CANDIDATES = 3

QuestionRecorder = Callable[..., int | None]
"""`bot.questionlog.record_question` or a function with its signature."""


@dataclass(frozen=True)
class ConversationState:
    """The slots the answering logic reads."""

    context_entry: str | None = None
    """The entry that answered the last question."""
    context_question: str | None = None
    """The last question as the citizen typed it."""
    choices: tuple[str, ...] = ()
    """Entry ids of the buttons offered last, in order (for typed choices such as "câu 2")."""
    question_id: int | None = None


@dataclass
class Outcome:
    """What to say, and the slots to set."""

    messages: list[Message]
    slots: dict[str, Any] = field(default_factory=dict)


def vocabulary(entries: Iterable[KnowledgeEntry]) -> frozenset[str]:
    """Folded words the knowledge base uses, and the abbreviations citizens type: read as valid input."""
    words: set[str] = set(load_abbreviations())
    for entry in entries:
        for text in (*entry.texts(), entry.answer):
            words.update(fold(text).split())
    return frozenset(words)


def _scores(reading: Reading) -> dict[str, Any]:
    """What the question log keeps of a reading: the decision's evidence and, for an abstention, its reason."""
    result = reading.result
    return {
        "confidence": round(result.confidence, 4),
        "query": reading.resolution.query,
        "reason": reading.reason,
        "procedure": reading.procedure,
        "answered": list(reading.answered),
        "unanswered_parts": list(reading.unanswered_parts),
        "candidates": [
            {"entry_id": c.entry_id, "probability": round(c.probability, 4), "dense": round(c.dense, 4),
             "lexical": round(c.lexical, 4), "coverage": round(c.entry_coverage, 4), "fused": round(c.fused, 4)}
            for c in result.candidates[:SCORED_CANDIDATES]
        ],
    }


class Answerer:
    """Answers questions from the knowledge base through the retriever, and logs each question."""

    def __init__(self, retriever: Retriever, recorder: QuestionRecorder, procedure_search_url: str) -> None:
        self.retriever = retriever
        self.recorder = recorder
        self.procedure_search_url = procedure_search_url
        """The national portal's search page for a procedure, with `{query}` where its name goes."""
        self.known_words = vocabulary(retriever.entries.values())

    def refresh_vocabulary(self) -> None:
        """Re-read the knowledge words after entries were added or changed live."""
        self.known_words = vocabulary(list(self.retriever.entries.values()))

    def _record(self, channel: str, sender: str, text: str, decision: str, entry_id: str | None,
                confidence: float, scores: dict, context_used: bool) -> int | None:
        """Log the question; a database hiccup must not cost the citizen their answer."""
        try:
            return self.recorder(channel, sender, text, decision, entry_id, confidence, scores, context_used)
        except Exception:
            logger.exception("could not log a question (decision %s)", decision)
            return None

    def _previous(self, state: ConversationState) -> PreviousQuestion | None:
        entry = self.retriever.entries.get(state.context_entry) if state.context_entry else None
        if entry is None and not state.context_question:
            return None
        return PreviousQuestion(text=state.context_question, entry_id=entry.id if entry else None,
                                entry_question=entry.question if entry else None)

    def answer_text(self, text: str, state: ConversationState, channel: str, sender: str) -> Outcome:
        """Reply to a free-text message."""
        choice = chosen_option(text, state.choices)
        if choice is not None:
            return self.answer_entry(choice)
        kind = classify_input(text, self.known_words)
        if kind != "ok":
            question_id = self._record(channel, sender, text, kind, None, 0.0, {}, False)
            slots: dict[str, Any] = {"question_id": question_id, "offer": None}
            if kind == "too_long":
                slots.update(offer=OFFER_ESCALATION, pending_question=text)
            return Outcome([unreadable_message(kind)], slots)
        reading = read_message(self.retriever, text, self._previous(state))
        question_id = self._record(channel, sender, text, reading.decision, reading.answered[0] if reading.answered
                                   else None, reading.result.confidence, _scores(reading),
                                   reading.resolution.context_used)
        slots = {"question_id": question_id, "context_question": text, "pending_question": text, "offer": None}
        return self._reply(reading, slots)

    def _reply(self, reading: Reading, slots: dict[str, Any]) -> Outcome:
        """The messages and slots for a reading."""
        entries = self.retriever.entries
        if reading.answered:
            answered = [entries[i] for i in reading.answered]
            messages = answers_messages(answered, entries, slots.get("question_id"))
            slots = {**slots, **self._answered(answered[0])}
            if reading.unanswered_parts:
                messages.append(unanswered_parts_message(reading.unanswered_parts))
                slots.update(offer=OFFER_ESCALATION, pending_question="; ".join(reading.unanswered_parts))
            return Outcome(messages, slots)
        if reading.decision == "clarify":
            options = [entries[c.entry_id] for c in reading.result.chosen]
            return Outcome([clarify_message(options)], {**slots, "choices": [e.id for e in options],
                                                         "context_entry": None, "offer": OFFER_ESCALATION})
        message = (procedure_message(reading.procedure, self.procedure_search_url) if reading.procedure
                   else abstain_message())
        return Outcome([message], {**slots, "offer": OFFER_ESCALATION, "choices": [], "context_entry": None})

    def _answered(self, entry: KnowledgeEntry) -> dict[str, Any]:
        related = [i for i in entry.related if i in self.retriever.entries][:3]
        return {"context_entry": entry.id, "context_topic": entry.topic, "choices": related, "offer": None}

    def answer_entry(self, entry_id: str | None) -> Outcome:
        """Reply to a pressed question button (or a typed choice): answer that entry."""
        entry = self.retriever.entries.get(entry_id or "")
        if entry is None:
            return Outcome([unknown_entry_message()], {"choices": []})
        return Outcome(answer_messages(entry, self.retriever.entries), self._answered(entry))

    def choose_topic(self, topic: MenuTopic | None) -> Outcome:
        """The menu, or the first questions of one topic as buttons."""
        if topic is None:
            return Outcome([menu_message()], {"choices": []})
        entries = list(self.retriever.entries.values())
        ids = topic_questions(topic, entries)
        return Outcome([topic_message(topic, entries, ids)], {"choices": ids, "context_topic": topic.topic})
