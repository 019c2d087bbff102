"""The texts indexed for each knowledge entry."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.normalize import normalize

ANSWER_CHARS = 600
"""Only the beginning of an answer is embedded (it says what the answer is about); BM25 reads it all."""

DocKind = Literal["question", "alternate", "answer"]


@dataclass(frozen=True)
class Document:
    """One indexed text of an entry."""

    entry_id: str
    kind: DocKind
    dense_texts: tuple[str, ...]
    """The forms embedded: with diacritics and without (one when they are the same)."""
    lexical_tokens: tuple[str, ...]


def entry_documents(entry: KnowledgeEntry) -> list[Document]:
    """The question, each alternate and the start of the answer, each in its indexed forms."""
    sources: list[tuple[DocKind, str]] = [("question", entry.question)]
    sources += [("alternate", alternate) for alternate in entry.alternates]
    sources.append(("answer", entry.answer))
    documents = []
    for kind, text in sources:
        forms = normalize(text[:ANSWER_CHARS] if kind == "answer" else text)
        dense = (forms.cleaned,) if forms.cleaned == forms.stripped else (forms.cleaned, forms.stripped)
        tokens = forms.lexical_tokens if kind != "answer" else normalize(text).lexical_tokens
        documents.append(Document(entry.id, kind, dense, tuple(with_bigrams(tokens))))
    return documents


def with_bigrams(tokens: list[str]) -> list[str]:
    """Syllables followed by adjacent syllable pairs: most Vietnamese words have two syllables."""
    return tokens + [f"{a}_{b}" for a, b in itertools.pairwise(tokens)]
