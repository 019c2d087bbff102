"""Follow-up questions ("thế còn vssid?", "mất phí không?") read with the previous question as context.

A message is read with context only when it cannot stand alone: it is elliptical ("thế còn …",
"còn nếu …", "… thì sao?"), it points back ("cái đó", "app đó", "như trên"), or it has no subject of its own (every
salient word is an attribute such as a fee, a delay or a place). A message that names its own subject
("cách cài vssid", "chuyển khoản nhầm thì làm sao", "thủ tục ly hôn") is read alone, whatever came before.
Either way the message is searched once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.retrieval.retriever import RetrievalResult, Retriever
from bot.retrieval.salience import salient_syllables
from bot.text import fold, words

FOLLOWUP_WORDS_FILE = Path(__file__).with_name("followup_words.yml")
MAX_FOLLOWUP_WORDS = 12
"""Longer messages always stand alone: they say enough about themselves."""


@dataclass(frozen=True)
class FollowupWords:
    """The markers of `followup_words.yml`."""

    openings: tuple[str, ...]
    endings: tuple[str, ...]
    possessives_after_con: frozenset[str]
    pointing_back: tuple[str, ...]
    pointing_back_marked: frozenset[str]
    attributes: frozenset[str]


@lru_cache(maxsize=2)
def load_followup_words(path: Path = FOLLOWUP_WORDS_FILE) -> FollowupWords:
    """The follow-up markers, read once."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    return FollowupWords(
        openings=tuple(sorted(data["elliptical_openings"], key=len, reverse=True)),
        endings=tuple(data["elliptical_endings"]),
        possessives_after_con=frozenset(data["possessives_after_con"]),
        pointing_back=tuple(data["pointing_back"]),
        pointing_back_marked=frozenset(data["pointing_back_marked"]),
        attributes=frozenset(data["attributes"]),
    )


@dataclass(frozen=True)
class PreviousQuestion:
    """What the conversation was about: the last question and the entry that answered it, if any."""

    text: str | None = None
    entry_id: str | None = None
    """The entry that answered it."""
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


def _is_elliptical(text: str, folded: list[str], markers: FollowupWords) -> bool:
    joined = " ".join(folded)
    if any(joined.endswith(" " + ending) for ending in markers.endings):
        return True
    for opening in markers.openings:
        if joined == opening or joined.startswith(opening + " "):
            if opening != "con":
                return True
            typed = words(text)[0]
            following = folded[1] if len(folded) > 1 else ""
            return typed == "còn" or (typed == "con" and following not in markers.possessives_after_con)
    return False


def _points_back(text: str, folded: list[str], markers: FollowupWords) -> bool:
    padded = f" {' '.join(folded)} "
    return (any(f" {phrase} " in padded for phrase in markers.pointing_back)
            or bool(markers.pointing_back_marked & set(words(text))))


def has_own_subject(folded: list[str], markers: FollowupWords | None = None) -> bool:
    """True when some salient word of the message is more than an attribute (a fee, a delay, a place…)."""
    attributes = (markers or load_followup_words()).attributes
    return any(word not in attributes for word in salient_syllables(folded))


def needs_context(text: str) -> bool:
    """True when the message cannot stand alone and should be read after the previous question."""
    folded = fold(text).split()
    if not folded or len(folded) > MAX_FOLLOWUP_WORDS:
        return False
    markers = load_followup_words()
    return (_is_elliptical(text, folded, markers) or _points_back(text, folded, markers)
            or not has_own_subject(folded, markers))


def resolve(retriever: Retriever, text: str, previous: PreviousQuestion | None) -> Resolution:
    """Search `text` alone, or after the previous question when it cannot stand alone.

    A follow-up that names a new subject ("thế còn vssid?") asks for something other than the answer it just
    had, so that entry is left out; one that only asks about an attribute ("mất phí không?") may find its
    answer in the same entry.
    """
    if previous is None or not previous.query or not needs_context(text):
        return Resolution(retriever.search(text), False, text)
    query = f"{previous.query} {text}"
    new_subject = has_own_subject(fold(text).split())
    exclude = frozenset({previous.entry_id}) if new_subject and previous.entry_id else frozenset()
    return Resolution(retriever.search(query, exclude=exclude), True, query)
