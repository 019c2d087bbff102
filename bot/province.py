"""The province, its communes and their community tech teams (`config/communes.yml`), and finding the commune a
citizen names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.text import fold, nfc, words

KINDS = {"xa": "xã", "phuong": "phường", "thi tran": "thị trấn", "dac khu": "đặc khu"}
"""Folded prefix of an official name → kind of local unit."""
KIND_WORDS = {**KINDS, "x": "xã", "p": "phường", "tt": "thị trấn"}
"""Folded prefixes citizens type → kind of local unit."""

_KIND_WORD = re.compile(r"\b(" + "|".join(sorted(KIND_WORDS, key=len, reverse=True)) + r")\b")
_FILLERS = re.compile(r"\b(toi|em|chau|minh|nha|o|song|tai|thuoc|cua|a|nhe|ah|day|dia chi)\b")


@dataclass(frozen=True)
class TeamMember:
    """A member of a community tech team."""

    username: str
    """Telegram username, without `@`."""
    display_name: str


@dataclass(frozen=True)
class Team:
    """A commune's community tech team (Tổ công nghệ số cộng đồng)."""

    id: str
    name: str
    members: tuple[TeamMember, ...]
    telegram_chat_id: int | None = None

    def member(self, username: str) -> TeamMember | None:
        """The member with this username (case-insensitive, `@` ignored), if any."""
        wanted = username.lstrip("@").lower()
        return next((m for m in self.members if m.username.lower() == wanted), None)


@dataclass(frozen=True)
class Commune:
    """A commune or ward of the province, with its team."""

    code: str
    name: str
    """Official name with its prefix, e.g. "Xã Tân Lập"."""
    district_free_name: str
    """The name without its prefix ("Tân Lập"); with two-level government no district is needed."""
    kind: str
    """"xã", "phường", "thị trấn" or "đặc khu"."""
    team_id: str
    team: Team
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Province:
    """The province: its communes and who watches overdue escalations."""

    code: str
    name: str
    communes: tuple[Commune, ...]
    ict_department_chat_id: int | None = None

    def commune(self, code: str) -> Commune | None:
        """The commune with this code, if any."""
        return next((c for c in self.communes if c.code == code), None)


def _split_prefix(name: str) -> tuple[str, str]:
    """("xã", "Tân Lập") for "Xã Tân Lập"; ("", name) without a known prefix."""
    folded = fold(name)
    for key, kind in sorted(KINDS.items(), key=lambda item: -len(item[0])):
        if folded.startswith(key + " "):
            bare = nfc(name).split(maxsplit=len(key.split()))[-1]
            return kind, bare.strip()
    return "", nfc(name).strip()


def _commune(raw: dict) -> Commune:
    code = str(raw["code"])
    team_raw = raw.get("team") or {}
    members = tuple(
        TeamMember(username=str(m["username"]).lstrip("@"), display_name=str(m["display_name"]))
        for m in team_raw.get("members") or []
    )
    chat_id = team_raw.get("telegram_chat_id")
    team = Team(
        id=str(team_raw.get("id") or f"team-{code}"),
        name=str(team_raw.get("name") or f"Tổ công nghệ số cộng đồng {raw['name']}"),
        members=members,
        telegram_chat_id=int(chat_id) if chat_id is not None else None,
    )
    kind, bare = _split_prefix(str(raw["name"]))
    return Commune(
        code=code,
        name=nfc(str(raw["name"])),
        district_free_name=bare,
        kind=kind,
        team_id=team.id,
        team=team,
        aliases=tuple(nfc(str(a)) for a in raw.get("aliases") or []),
    )


@lru_cache(maxsize=8)
def _load_province(path: Path) -> Province:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    communes = tuple(_commune(raw) for raw in data.get("communes") or [])
    codes = [c.code for c in communes]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{path}: commune codes must be unique")
    province = data.get("province") or {}
    chat_id = province.get("ict_department_chat_id")
    return Province(
        code=str(province.get("code", "")),
        name=str(province.get("name", "")),
        communes=communes,
        ict_department_chat_id=int(chat_id) if chat_id is not None else None,
    )


def load_province(path: Path) -> Province:
    """The province configuration in `path` (the `COMMUNES_FILE` setting); read once per path."""
    return _load_province(Path(path).resolve())


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (adjacent swaps count 1); anything above `limit` is `limit + 1`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def folded_names(commune: Commune) -> list[str]:
    """Folded bare names (official name and aliases) of a commune, e.g. "tan lap"."""
    return [fold(_split_prefix(n)[1]) for n in (commune.name, *commune.aliases)]


def _typo_limit(name: str) -> int:
    """Edits tolerated in a folded name: one, two from ten letters."""
    return 1 if len(name.replace(" ", "")) < 10 else 2


def _distance(query_words: list[str], name: str) -> int:
    """Smallest typo distance between `name` and any run of query words (spaces ignored)."""
    target = name.replace(" ", "")
    limit = _typo_limit(name)
    count = len(name.split())
    best = limit + 1
    for size in {max(1, count - 1), count, count + 1}:
        for start in range(max(1, len(query_words) - size + 1)):
            best = min(best, _edit_distance("".join(query_words[start:start + size]), target, limit))
    return best


def _narrow(text: str, found: list[Commune]) -> list[Commune]:
    """Among several matches keep the best confirmed: same diacritics, then a prefix before the name."""
    lowered = f" {' '.join(words(text))} "
    folded = f" {fold(text)} "

    def confirmation(commune: Commune) -> tuple[bool, bool, bool]:
        bare = [_split_prefix(n)[1] for n in (commune.name, *commune.aliases)]
        accents = any(f" {' '.join(words(b))} " in lowered for b in bare)
        typed = [(word, name) for word in KIND_WORDS for name in folded_names(commune) if f" {word} {name} " in folded]
        return accents, any(KIND_WORDS[w] == commune.kind for w, _ in typed), bool(typed)

    scores = {c.code: confirmation(c) for c in found}
    best = max(scores.values())
    return [c for c in found if scores[c.code] == best]


def match_commune(text: str, communes: Sequence[Commune]) -> list[Commune]:
    """The communes `text` names: [] none, [c] one, several when ambiguous (offer them as buttons).

    Tolerates missing diacritics, any case, prefixes ("xã", "phường", "xa", "p.", "tt"), surrounding words
    ("tôi ở xã …, tỉnh …") and small typos (one edit, two for long names); exact matches beat typo matches.
    """
    folded = fold(text)
    if not folded:
        return []
    by_code = [c for c in communes if c.code.lower() == folded]
    if by_code:
        return by_code
    exact = [c for c in communes if any(f" {n} " in f" {folded} " for n in folded_names(c))]
    if exact:
        return _narrow(text, exact)
    query_words = _FILLERS.sub(" ", _KIND_WORD.sub(" ", folded)).split()
    if not query_words:
        return []
    distances = {c.code: min(_distance(query_words, n) for n in folded_names(c)) for c in communes}
    near = [c for c in communes if any(distances[c.code] <= _typo_limit(n) for n in folded_names(c))]
    if not near:
        return []
    best = min(distances[c.code] for c in near)
    return _narrow(text, [c for c in near if distances[c.code] == best])
