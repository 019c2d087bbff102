"""A larger knowledge base for the scaling benchmark, made by perturbing real entries.

Synthetic entry k takes real entry `order[k % len(order)]` (the real entries in a seeded shuffled
order), garbles its question with two of: swapping two neighbouring syllables, dropping one,
substituting numbers, substituting a bank/app/place name, joining its first half to the second
half of another real question, or removing the diacritics (an FAQ typed without marks). It keeps
the source's answer, so its answer texts are already embedded and only the new question costs an
encoding: that is what makes a 10k index affordable to embed once on two cores. A synthetic entry
has the shape of an imported FAQ entry (question and answer, no alternates).

Generation is sequential and deterministic for a seed, so the first n synthetic entries are the same
whatever the total: the 1k knowledge base is a prefix of the 10k one and they share cached embeddings.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Sequence

from bot.knowledge.schema import KnowledgeEntry
from bot.text import fold, strip_diacritics

SEED = 20261121

NAMES: tuple[tuple[str, ...], ...] = (
    ("Vietcombank", "Agribank", "BIDV", "VietinBank", "Techcombank", "MB Bank", "Sacombank", "LienVietPostBank"),
    ("VNPT Money", "Viettel Money", "MoMo", "ZaloPay", "ShopeePay", "VNPay", "Mobile Money"),
    ("VNeID", "VssID", "Zalo", "Facebook", "Shopee", "Lazada", "Tiki", "Postmart", "Voso", "TikTok Shop"),
    ("Hà Nội", "Nghệ An", "Thanh Hóa", "Sơn La", "Lào Cai", "Cần Thơ", "Đắk Lắk", "Quảng Nam", "Hà Giang"),
)
"""Groups of interchangeable names: a name is replaced by another of its group."""

_NUMBER = re.compile(r"\d+")
_NAME_PATTERNS = [(re.compile(re.escape(name), re.IGNORECASE), group) for group in NAMES for name in group]
MAX_ATTEMPTS = 8
COPY_TAG = "synthetic-copy-of:"
"""Tag prefix naming the real entry a synthetic entry was made from."""

Perturbation = Callable[[list[str], random.Random, Sequence[KnowledgeEntry]], list[str] | None]
"""Takes the question's whitespace tokens; returns new tokens, or None when it does not apply."""


def swap_syllables(tokens: list[str], rng: random.Random, _: Sequence[KnowledgeEntry]) -> list[str] | None:
    """Two neighbouring syllables exchanged."""
    if len(tokens) < 3:
        return None
    i = rng.randrange(len(tokens) - 1)
    return [*tokens[:i], tokens[i + 1], tokens[i], *tokens[i + 2:]]


def drop_syllable(tokens: list[str], rng: random.Random, _: Sequence[KnowledgeEntry]) -> list[str] | None:
    """One syllable left out."""
    if len(tokens) < 5:
        return None
    i = rng.randrange(len(tokens))
    return tokens[:i] + tokens[i + 1:]


def substitute_numbers(tokens: list[str], rng: random.Random, _: Sequence[KnowledgeEntry]) -> list[str] | None:
    """Every number replaced by another of the same length."""
    text = " ".join(tokens)
    if not _NUMBER.search(text):
        return None

    def other(match: re.Match[str]) -> str:
        digits = len(match.group())
        low = 10 ** (digits - 1) if digits > 1 else 0
        value = match.group()
        while value == match.group():
            value = str(rng.randrange(low, 10 ** digits))
        return value

    return _NUMBER.sub(other, text).split()


def substitute_name(tokens: list[str], rng: random.Random, _: Sequence[KnowledgeEntry]) -> list[str] | None:
    """A bank, app or place name replaced by another of its kind."""
    text = " ".join(tokens)
    found = [(pattern, group) for pattern, group in _NAME_PATTERNS if pattern.search(text)]
    if not found:
        return None
    pattern, group = rng.choice(found)
    replacement = rng.choice([name for name in group if not pattern.fullmatch(name)])
    return pattern.sub(replacement, text, count=1).split()


def combine_halves(tokens: list[str], rng: random.Random, real: Sequence[KnowledgeEntry]) -> list[str] | None:
    """This question's first half followed by the second half of another real question."""
    other = rng.choice(real).question.split()
    if len(tokens) < 4 or len(other) < 4:
        return None
    return tokens[: len(tokens) // 2] + other[len(other) // 2:]


def remove_diacritics(tokens: list[str], rng: random.Random, _: Sequence[KnowledgeEntry]) -> list[str] | None:
    """The question as typed without marks, in lower case."""
    stripped = strip_diacritics(" ".join(tokens)).lower().split()
    return None if stripped == tokens else stripped


PERTURBATIONS: tuple[tuple[Perturbation, int], ...] = (
    (swap_syllables, 3),
    (drop_syllable, 3),
    (substitute_numbers, 2),
    (substitute_name, 2),
    (combine_halves, 3),
    (remove_diacritics, 1),
)
"""Each perturbation with its relative weight."""


def perturb_question(question: str, rng: random.Random, real: Sequence[KnowledgeEntry]) -> str:
    """`question` changed by two different perturbations that apply (or as many as apply)."""
    tokens = question.split()
    functions = [f for f, _ in PERTURBATIONS]
    weights = [w for _, w in PERTURBATIONS]
    applied = 0
    tried: set[Perturbation] = set()
    while applied < 2 and len(tried) < len(functions):
        function = rng.choices(functions, weights)[0]
        if function in tried:
            continue
        tried.add(function)
        changed = function(tokens, rng, real)
        if changed:
            tokens = changed
            applied += 1
    return " ".join(tokens)


def synthetic_entries(real: Sequence[KnowledgeEntry], seed: int = SEED) -> Iterator[KnowledgeEntry]:
    """An endless, deterministic stream of perturbed copies of `real` (see the module docstring)."""
    if not real:
        return
    order = list(real)
    random.Random(seed).shuffle(order)
    seen = {fold(entry.question) for entry in real}
    k = 0
    while True:
        source = order[k % len(order)]
        rng = random.Random(f"{seed}:{k}")
        question = source.question
        for _ in range(MAX_ATTEMPTS):
            question = perturb_question(source.question, rng, real)
            if fold(question) not in seen:
                break
        else:
            question = f"{question} ({k})"
        seen.add(fold(question))
        yield KnowledgeEntry(id=f"syn-{k:05d}", topic=source.topic, question=question, answer=source.answer,
                             tags=[f"{COPY_TAG}{source.id}"], origin="imported")
        k += 1


def source_id(entry: KnowledgeEntry) -> str:
    """The id of the real entry `entry` copies (its own id when it is real)."""
    return next((tag[len(COPY_TAG):] for tag in entry.tags if tag.startswith(COPY_TAG)), entry.id)


def scaled_knowledge(real: Sequence[KnowledgeEntry], size: int, seed: int = SEED) -> list[KnowledgeEntry]:
    """The real entries followed by enough synthetic ones to make `size` entries (at least the real ones)."""
    stream = synthetic_entries(real, seed)
    return [*real, *(next(stream) for _ in range(max(size - len(real), 0)))]
