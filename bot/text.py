"""Vietnamese text normalisation shared by the knowledge tools and retrieval."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def nfc(text: str) -> str:
    """Unicode NFC (composed) form: one code point per accented letter."""
    return unicodedata.normalize("NFC", text)


def collapse_spaces(text: str) -> str:
    """Every run of white space replaced by one space, ends trimmed."""
    return _SPACES.sub(" ", text).strip()


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese tone and vowel marks; `đ` becomes `d`."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def words(text: str) -> list[str]:
    """Lower-case NFC syllables with punctuation removed."""
    return [w for w in _NON_WORD.sub(" ", nfc(text).lower()).split() if w and w != "_"]


def fold(text: str) -> str:
    """Lower-case, diacritic-free, punctuation-free form used for comparisons."""
    return " ".join(words(strip_diacritics(text)))
