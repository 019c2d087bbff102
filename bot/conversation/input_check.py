"""Recognises messages that cannot be answered as questions: emoji only, numbers only, too long, gibberish, another
language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

from bot.limits import ANSWERABLE_QUESTION_CHARS
from bot.text import fold, strip_diacritics

InputKind = Literal["ok", "no_text", "numbers", "too_long", "gibberish", "foreign"]

MIN_READABLE_SHARE = 0.5
"""Share of words that must look Vietnamese (or be known to the knowledge base) for a message to be read."""

_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?$"
)
"""A Vietnamese syllable once diacritics are removed: optional onset, one to three vowels, optional coda."""

ENGLISH_MARKERS = frozenset({
    "how", "what", "where", "when", "why", "which", "who", "is", "are", "was", "were", "does", "did", "please",
    "with", "your", "you", "this", "that", "have", "has", "would", "could", "should", "from", "about", "i",
    "it", "of", "and", "for", "want", "need", "get",
})
"""Common English words that Vietnamese typed without diacritics hardly ever contains."""


def is_vietnamese_syllable(word: str) -> bool:
    """True when `word` (any case, with or without diacritics) has the shape of a Vietnamese syllable."""
    return bool(_SYLLABLE.match(strip_diacritics(word).lower()))


def _letters(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c).startswith("L")]


def _is_latin(char: str) -> bool:
    return "LATIN" in unicodedata.name(char, "")


def classify_input(text: str, known_words: Iterable[str] = ()) -> InputKind:
    """What kind of message `text` is, before any attempt to answer it.

    `known_words` are folded words the knowledge base uses (brand names, abbreviations), read as valid.
    """
    letters = _letters(text)
    if not letters:
        return "numbers" if any(c.isdigit() for c in text) else "no_text"
    if len(text) > ANSWERABLE_QUESTION_CHARS:
        return "too_long"
    if sum(not _is_latin(c) for c in letters) > len(letters) / 2:
        return "foreign"
    tokens = [w for w in fold(text).split() if not w.isdigit()]
    if not tokens:
        return "no_text"
    known = known_words if isinstance(known_words, set | frozenset) else set(known_words)
    readable = sum(1 for w in tokens if w in known or is_vietnamese_syllable(w))
    share = readable / len(tokens)
    english = sum(1 for w in tokens if w in ENGLISH_MARKERS)
    if english >= 2 or (english and share < 0.75):
        return "foreign"
    if share < MIN_READABLE_SHARE:
        return "gibberish"
    return "ok"
