"""Query and passage normalisation: NFC, lower case, punctuation, diacritics, abbreviations."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.text import collapse_spaces, strip_diacritics, words

ABBREVIATIONS_FILE = Path(__file__).with_name("abbreviations.yml")


@lru_cache(maxsize=4)
def load_abbreviations(path: Path = ABBREVIATIONS_FILE) -> dict[str, str]:
    """The expansion table: token as typed (with `đ` read as `d`) → expansion with diacritics."""
    table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k).lower().replace("đ", "d"): str(v).lower() for k, v in table.items()}


@dataclass(frozen=True)
class NormalizedText:
    """The forms of one text that the indexes use."""

    cleaned: str
    """NFC, lower case, punctuation removed, abbreviations expanded (for the dense model)."""
    stripped: str
    """`cleaned` without diacritics."""
    lexical_tokens: list[str]
    """Diacritic-free syllables, with the original abbreviation kept beside its expansion."""


def normalize(text: str, abbreviations: dict[str, str] | None = None) -> NormalizedText:
    """Normalise `text` for indexing or searching."""
    table = load_abbreviations() if abbreviations is None else abbreviations
    expanded: list[str] = []
    lexical: list[str] = []
    for word in words(text):
        key = strip_diacritics(word)
        expansion = table.get(word.replace("đ", "d"))
        if expansion is None:
            expanded.append(word)
            lexical.append(key)
        else:
            expanded.append(expansion)
            lexical.append(key)
            lexical.extend(strip_diacritics(expansion).split())
    cleaned = collapse_spaces(" ".join(expanded))
    return NormalizedText(cleaned=cleaned, stripped=strip_diacritics(cleaned), lexical_tokens=lexical)
