"""Puts diacritics back on a query typed without them, using the knowledge base's own wording.

The embedding model reads "nap tien vao vi" poorly but "nạp tiền vào ví" well. Each syllable typed
without marks takes the form it most often has in the indexed texts next to the same neighbours
(syllable pairs), else on its own. Syllables the citizen typed with marks are kept as typed.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict

from bot.text import strip_diacritics, words

PAIR_WEIGHT = 2
"""A form seen next to the same neighbour counts this many times more than a form seen alone."""


class DiacriticRestorer:
    """Syllable and syllable-pair counts of indexed texts, updatable as texts come and go."""

    def __init__(self) -> None:
        self._single: dict[str, Counter[str]] = defaultdict(Counter)
        self._pairs: dict[tuple[str, str], Counter[tuple[str, str]]] = defaultdict(Counter)

    def _count(self, text: str, sign: int) -> None:
        syllables = words(text)
        for syllable in syllables:
            self._single[strip_diacritics(syllable)][syllable] += sign
        for pair in itertools.pairwise(syllables):
            self._pairs[(strip_diacritics(pair[0]), strip_diacritics(pair[1]))][pair] += sign

    def add(self, texts: list[str]) -> None:
        """Learn the wording of `texts`."""
        for text in texts:
            self._count(text, 1)

    def remove(self, texts: list[str]) -> None:
        """Forget `texts` (previously added)."""
        for text in texts:
            self._count(text, -1)

    def restore(self, text: str) -> str:
        """`text` as lower-case syllables, with marks restored where the knowledge base is clear."""
        syllables = words(text)
        keys = [strip_diacritics(s) for s in syllables]
        restored = list(syllables)
        for i, (syllable, key) in enumerate(zip(syllables, keys, strict=True)):
            if syllable != key:
                continue
            votes: Counter[str] = Counter()
            if i > 0:
                for (_, form), count in self._pairs.get((keys[i - 1], key), Counter()).items():
                    votes[form] += PAIR_WEIGHT * count
            if i + 1 < len(keys):
                for (form, _), count in self._pairs.get((key, keys[i + 1]), Counter()).items():
                    votes[form] += PAIR_WEIGHT * count
            if not +votes:
                votes = self._single.get(key, Counter())
            best = (+votes).most_common(1)
            if best:
                restored[i] = best[0][0]
        return " ".join(restored)
