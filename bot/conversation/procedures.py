"""Questions about an administrative procedure the knowledge base does not cover ("thủ tục xin giấy phép xây
dựng cần giấy tờ gì?"): recognised, so that the assistant says it has no verified answer for that procedure
and shows how to find it on the national public-service portal, instead of answering with another entry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote_plus

import yaml

from bot.text import fold, words

PROCEDURE_WORDS_FILE = Path(__file__).with_name("procedure_words.yml")
NAME_MAX_WORDS = 7
"""The procedure's name searched on the portal is at most this many words (longer searches find nothing)."""
NAME_MIN_WORDS = 2


@dataclass(frozen=True)
class ProcedureWords:
    """The phrases of `procedure_words.yml`, as lists of folded words."""

    procedure: tuple[tuple[str, ...], ...]
    asking: tuple[tuple[str, ...], ...]
    leading: tuple[tuple[str, ...], ...]
    ending: frozenset[str]


def _phrases(items: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted((tuple(item.split()) for item in items), key=len, reverse=True))


@lru_cache(maxsize=2)
def load_procedure_words(path: Path = PROCEDURE_WORDS_FILE) -> ProcedureWords:
    """The procedure phrases, read once."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    return ProcedureWords(_phrases(data["procedure_words"]), _phrases(data["asking"]),
                          _phrases(data["leading_words"]), frozenset(data["ending_words"]))


def _find(folded: list[str], phrases: tuple[tuple[str, ...], ...], start: int = 0) -> tuple[int, int] | None:
    """(position, length) of the earliest phrase occurring in `folded` from `start`."""
    found = None
    for phrase in phrases:
        n = len(phrase)
        for i in range(start, len(folded) - n + 1):
            if tuple(folded[i:i + n]) == phrase:
                if found is None or i < found[0]:
                    found = (i, n)
                break
    return found


def _strip_leading(typed: list[str], folded: list[str], leading: tuple[tuple[str, ...], ...]) -> int:
    """How many words at the start are leading words ("thủ tục", "xin", "làm") to drop."""
    skipped = 0
    while skipped < len(folded):
        match = next((p for p in leading if tuple(folded[skipped:skipped + len(p)]) == p), None)
        if match is None:
            break
        skipped += len(match)
    return skipped


def procedure_name(text: str) -> str | None:
    """The procedure a message asks about, in the citizen's own words ("giấy phép xây dựng nhà ở"), or None
    when the message does not ask how, where or with what to carry out an administrative procedure."""
    typed = words(text)
    folded = [fold(w) for w in typed]
    markers = load_procedure_words()
    named = _find(folded, markers.procedure)
    if named is None or (_find(folded, markers.asking) is None and "?" not in text):
        return None
    start = named[0]
    start += _strip_leading(typed[start:], folded[start:], markers.leading)
    name: list[str] = []
    for word, plain in zip(typed[start:], folded[start:], strict=True):
        if len(name) >= NAME_MAX_WORDS or (len(name) >= NAME_MIN_WORDS and plain in markers.ending):
            break
        name.append(word)
    if len(name) < NAME_MIN_WORDS:
        name = typed[named[0]:named[0] + max(named[1], NAME_MIN_WORDS)]
    return " ".join(name) or None


def portal_search_url(name: str, template: str) -> str:
    """The portal's search page for `name` (`template` holds `{query}`)."""
    return template.replace("{query}", quote_plus(re.sub(r"\s+", " ", name).strip()))
