"""Freshness checks of knowledge entries: sources on retired domains, official sources for government
procedures, legal documents quoted without their number and date, and missing review notes.

The rules, as `trolyso kb validate` reports them (all warnings):

- **Retired domain.** A `source_url` (or a link written in the answer) on a domain listed in
  `knowledge/retired_domains.yml`, or on a subdomain of one: the portals of the provinces merged on 1 July 2025
  and other portals that no longer belong to a live official body. Each listed domain carries its reason and date.
- **Government procedure without a `.gov.vn` source.** An entry is about a government procedure when its topic is
  `public_services`, or when it carries the tag `thu-tuc` (a procedure of a state body in another topic: registering
  a household business, declaring tax, a food-safety commitment...). Its `source_url` must be on a `.gov.vn` host.
- **Legal document without number and date.** The answer names a legal document (Bộ luật, Luật, Pháp lệnh, Nghị
  quyết, Nghị định, Quyết định, Chỉ thị, Thông tư, Công văn — capitalised, followed by its number or, for a law,
  by its name) but gives no number (such as `117/2025/NĐ-CP`, `1489/QĐ-TTg`) within the same clause, or no date
  (`6/7/2025`, `ngày 6 tháng 7 năm 2025`) in a sentence that carries the number. A date of signature or of coming
  into force both count: citizens need to know from when a rule applies.
- **No review note.** The entry has no `review_note` saying what the last review checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.knowledge.schema import KnowledgeEntry
from bot.knowledge.store import RETIRED_DOMAINS_FILE_NAME, Problem
from bot.settings import PROJECT_ROOT

PROCEDURE_TOPIC = "public_services"
PROCEDURE_TAG = "thu-tuc"
"""The tag that marks an entry of another topic as a government procedure (its source must be `.gov.vn`)."""
OFFICIAL_SUFFIX = ".gov.vn"
DEFAULT_RETIRED_DOMAINS = PROJECT_ROOT / "knowledge" / RETIRED_DOMAINS_FILE_NAME

DOCUMENT_KINDS = ("Bộ luật", "Luật", "Pháp lệnh", "Nghị quyết", "Nghị định", "Quyết định", "Chỉ thị", "Thông tư",
                  "Công văn")
NAMED_KINDS = frozenset({"Bộ luật", "Luật", "Pháp lệnh"})
"""Kinds cited by their name ("Luật Căn cước") as well as by their number."""
CLAUSE_MAX_CHARS = 100

_KIND = re.compile(r"(?<!\w)(" + "|".join(DOCUMENT_KINDS) + r")(?=\s)")
_NUMBER = re.compile(r"(?<![\w/])\d+(?:/\d{4})?/[A-ZĐ][A-ZĐa-z0-9-]*[A-ZĐa-z0-9]")
_DATE = re.compile(r"(?<![\w/])\d{1,2}/\d{1,2}/\d{4}(?![\w/])|ngày \d{1,2} tháng \d{1,2} năm \d{4}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")
_CLAUSE_END = re.compile(r"[.;!?\n]")
_NAME_END = re.compile(r"[(,:]")
_HOST = re.compile(r"(?<![\w.@-])((?:[a-z0-9-]+\.)+[a-z]{2,})(?![\w-])", re.IGNORECASE)


class RetiredDomain(BaseModel):
    """A domain whose pages must no longer be cited or recommended, with why and since when."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    domain: str = Field(pattern=r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")
    reason: str = Field(min_length=10, max_length=500)
    retired_on: date

    def covers(self, host: str) -> bool:
        """Whether `host` is this domain or one of its subdomains."""
        host = host.lower().rstrip(".")
        return host == self.domain or host.endswith("." + self.domain)


@dataclass(frozen=True)
class RetiredDomains:
    """The retired-domain list read from its file, and the problems met reading it."""

    domains: tuple[RetiredDomain, ...]
    problems: tuple[Problem, ...] = ()

    def covering(self, host: str) -> RetiredDomain | None:
        """The listed domain that covers `host`, if any."""
        return next((d for d in self.domains if d.covers(host)), None)


def retired_domains_file(knowledge_path: Path) -> Path:
    """The retired-domain list of a knowledge folder: its own `retired_domains.yml`, else the project's."""
    own = knowledge_path / RETIRED_DOMAINS_FILE_NAME
    return own if knowledge_path.is_dir() and own.exists() else DEFAULT_RETIRED_DOMAINS


def load_retired_domains(path: Path) -> RetiredDomains:
    """Read a retired-domain list (a YAML list of `domain`, `reason`, `retired_on`)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return RetiredDomains((), (Problem("error", str(path), f"cannot read the retired-domain list: {exc}"),))
    if not isinstance(data, list):
        return RetiredDomains((), (Problem("error", str(path), "the retired-domain list must be a YAML list"),))
    domains, problems = [], []
    for index, item in enumerate(data, start=1):
        try:
            domains.append(RetiredDomain.model_validate(item))
        except ValidationError as exc:
            fields = ", ".join(".".join(map(str, e["loc"])) or "item" for e in exc.errors())
            problems.append(Problem("error", str(path), f"retired domain #{index} is invalid ({fields})"))
    return RetiredDomains(tuple(domains), tuple(problems))


def source_host(url: str) -> str:
    """The host name of a URL, lower-case."""
    return (urlsplit(url).hostname or "").lower()


def is_procedure(entry: KnowledgeEntry) -> bool:
    """Whether the entry explains a government procedure (see the module's rules)."""
    return entry.topic == PROCEDURE_TOPIC or PROCEDURE_TAG in entry.tags


def retired_source_problems(entry: KnowledgeEntry, retired: RetiredDomains) -> list[str]:
    """The entry's source, and the hosts written in its answer, that are on a retired domain."""
    messages = []
    if entry.source_url and (found := retired.covering(source_host(entry.source_url))):
        messages.append(f"source_url is on a retired domain {found.domain} "
                        f"(since {found.retired_on}: {found.reason})")
    for host in dict.fromkeys(match.lower() for match in _HOST.findall(entry.answer)):
        if found := retired.covering(host):
            messages.append(f"the answer points to {host}, on a retired domain {found.domain} "
                            f"(since {found.retired_on}: {found.reason})")
    return messages


def procedure_source_problems(entry: KnowledgeEntry) -> list[str]:
    """A government procedure whose source is not on a `.gov.vn` host."""
    if not is_procedure(entry) or not entry.source_url:
        return []
    if source_host(entry.source_url).endswith(OFFICIAL_SUFFIX):
        return []
    why = f"topic '{PROCEDURE_TOPIC}'" if entry.topic == PROCEDURE_TOPIC else f"tag '{PROCEDURE_TAG}'"
    return [f"a government procedure ({why}) needs a {OFFICIAL_SUFFIX} source, not {entry.source_url}"]


@dataclass(frozen=True)
class Citation:
    """A legal document named in a text: how it was written and the number given with it, if any."""

    text: str
    number: str | None


def legal_citations(text: str) -> list[Citation]:
    """The legal documents `text` names, each with the number written in the same clause."""
    starts = [(match.start(), match.group(1)) for match in _KIND.finditer(text)]
    citations = []
    for index, (start, kind) in enumerate(starts):
        limit = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        clause = text[start:min(limit, start + CLAUSE_MAX_CHARS)]
        if end := _CLAUSE_END.search(clause, len(kind)):
            clause = clause[:end.start()]
        following = clause[len(kind):].lstrip()
        if following.startswith("số "):
            following = following[3:].lstrip()
        names_itself = following[:1].isdigit() or (kind in NAMED_KINDS and following[:1].isupper())
        if not names_itself:
            continue
        number = _NUMBER.search(clause)
        shown = clause[:number.end()] if number else " ".join(_NAME_END.split(clause, maxsplit=1)[0].split()[:6])
        citations.append(Citation(shown.strip(), number.group(0) if number else None))
    return citations


def undated_citation_problems(entry: KnowledgeEntry) -> list[str]:
    """Legal documents the answer names without their number, or without a date next to the number."""
    sentences = [s for s in _SENTENCE_END.split(entry.answer) if s.strip()]
    messages: dict[str, str] = {}
    for citation in legal_citations(entry.answer):
        if citation.number is None:
            messages.setdefault(citation.text, f"the answer names «{citation.text}» without its number and date")
            continue
        dated = any(citation.number in sentence and _DATE.search(sentence) for sentence in sentences)
        if not dated:
            messages.setdefault(citation.number, f"the answer cites «{citation.text}» without its date")
    return list(messages.values())


def review_note_problems(entry: KnowledgeEntry) -> list[str]:
    """An entry without a note of what its last review checked."""
    return [] if entry.review_note else ["has no review_note (what the last review checked, against which source)"]


def freshness_problems(entry: KnowledgeEntry, retired: RetiredDomains) -> list[str]:
    """Every freshness warning of one entry."""
    return (retired_source_problems(entry, retired) + procedure_source_problems(entry)
            + undated_citation_problems(entry) + review_note_problems(entry))
