"""A question's salient words: what it is about, as opposed to how it is asked.

Function words (pronouns, particles, question words; `function_words.yml`) are left out. What remains is
weighed by its inverse document frequency in the knowledge base: a word no entry uses ("nội trú", "xổ số",
"kiểm toán") weighs most, and is the clearest sign that the knowledge base does not cover the question.
Single syllables and pairs of adjacent syllables (most Vietnamese words have two) are weighed apart: a pair
the knowledge base lacks is weaker evidence than a syllable it lacks, since chance neighbours make pairs too.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

FUNCTION_WORDS_FILE = Path(__file__).with_name("function_words.yml")


@lru_cache(maxsize=2)
def load_function_words(path: Path = FUNCTION_WORDS_FILE) -> frozenset[str]:
    """The folded syllables that carry no topic."""
    groups = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}  # "no", "on" stay words
    return frozenset(str(word) for words in groups.values() for word in words)


def salient_syllables(syllables: Iterable[str], function_words: frozenset[str] | None = None) -> list[str]:
    """The syllables of a token list that are neither function words nor numbers, in order, each once."""
    skip = load_function_words() if function_words is None else function_words
    return list(dict.fromkeys(s for s in syllables if s not in skip and not s.isdigit()))


def salient_pairs(syllables: list[str], function_words: frozenset[str] | None = None) -> list[str]:
    """Adjacent salient syllables as `a_b` pairs (the form the lexical index uses), each once."""
    skip = load_function_words() if function_words is None else function_words
    return list(dict.fromkeys(
        f"{a}_{b}" for a, b in itertools.pairwise(syllables)
        if a not in skip and b not in skip and not a.isdigit() and not b.isdigit()
    ))


@dataclass(frozen=True)
class WeighedTokens:
    """Salient tokens of one kind (syllables or pairs) with their idf weights."""

    weights: dict[str, float] = field(default_factory=dict)
    unknown: frozenset[str] = frozenset()
    """The tokens no entry contains."""

    def unknown_share(self) -> float:
        """Share of the weight carried by tokens no entry contains (0 to 1)."""
        total = sum(self.weights.values())
        return sum(self.weights[t] for t in self.unknown) / total if total > 0 else 0.0

    def covered_share(self, entry_tokens: set[str]) -> float:
        """Share of the weight found in one entry's tokens (0 to 1; 0 without salient tokens)."""
        total = sum(self.weights.values())
        if total <= 0:
            return 0.0
        return sum(weight for token, weight in self.weights.items() if token in entry_tokens) / total


@dataclass(frozen=True)
class Salience:
    """A query's salient syllables and pairs, weighed against the knowledge base."""

    syllables: WeighedTokens = field(default_factory=WeighedTokens)
    pairs: WeighedTokens = field(default_factory=WeighedTokens)

    @property
    def unknown_words(self) -> list[str]:
        """The salient syllables and pairs no entry contains, heaviest first (for logs and reports)."""
        tokens = [*self.syllables.unknown, *self.pairs.unknown]
        weights = {**self.syllables.weights, **self.pairs.weights}
        return sorted(tokens, key=lambda t: (-weights[t], t))


def salience(syllables: list[str], idf: Callable[[str], float], known: Callable[[str], bool]) -> Salience:
    """The salience of a query's syllables against a knowledge base's idf and vocabulary."""
    def weigh(tokens: list[str]) -> WeighedTokens:
        return WeighedTokens({t: idf(t) for t in tokens}, frozenset(t for t in tokens if not known(t)))
    return Salience(weigh(salient_syllables(syllables)), weigh(salient_pairs(syllables)))
