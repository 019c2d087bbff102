"""Reading and writing knowledge files (YAML lists of entries), with precise error locations."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from bot.knowledge.schema import KnowledgeEntry

Severity = Literal["error", "warning"]
YAML_SUFFIXES = (".yml", ".yaml")
RETIRED_DOMAINS_FILE_NAME = "retired_domains.yml"
"""A data file of the knowledge folder that holds no entries (read by the freshness checks)."""


@dataclass(frozen=True)
class Problem:
    """Something wrong with the knowledge base, located as precisely as possible."""

    severity: Severity
    file: str
    message: str
    entry_id: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        entry = f" [{self.entry_id}]" if self.entry_id else ""
        return f"{self.severity}: {where}{entry}: {self.message}"


@dataclass(frozen=True)
class LocatedEntry:
    """An entry with the file and line it was read from."""

    entry: KnowledgeEntry
    file: str
    line: int


@dataclass
class LoadResult:
    """Entries read from one or more files and the problems met while reading them."""

    entries: list[LocatedEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: LoadResult) -> None:
        """Add another result's entries and problems."""
        self.entries.extend(other.entries)
        self.problems.extend(other.problems)

    @property
    def errors(self) -> list[Problem]:
        """Only the problems of severity `error`."""
        return [p for p in self.problems if p.severity == "error"]


def knowledge_files(path: Path) -> list[Path]:
    """The YAML files of entries at `path` (a file, or every YAML file in a folder but the retired-domain list)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in YAML_SUFFIXES and p.name != RETIRED_DOMAINS_FILE_NAME)
    return [path]


def _describe_validation_error(exc: ValidationError) -> list[str]:
    messages = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "entry"
        messages.append(f"field '{where}': {error['msg']}")
    return messages


def parse_entries(text: str, file: str) -> LoadResult:
    """Parse the YAML text of one knowledge file."""
    result = LoadResult()
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        result.problems.append(
            Problem("error", file, f"YAML syntax error: {problem}", line=mark.line + 1 if mark else None)
        )
        return result
    if data is None:
        return result
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        result.problems.append(Problem("error", file, "the file must be a YAML list of entries", line=1))
        return result
    for index, (item, item_node) in enumerate(zip(data, node.value, strict=True)):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            result.problems.append(Problem("error", file, f"entry #{index + 1} is not a mapping", line=line))
            continue
        entry_id = str(item.get("id") or f"#{index + 1}")
        try:
            entry = KnowledgeEntry.model_validate(item)
        except ValidationError as exc:
            for message in _describe_validation_error(exc):
                result.problems.append(Problem("error", file, message, entry_id=entry_id, line=line))
            continue
        result.entries.append(LocatedEntry(entry, file, line))
    return result


def load_knowledge(path: Path) -> LoadResult:
    """Load every entry under `path` (a YAML file or a folder of them)."""
    result = LoadResult()
    if not path.exists():
        result.problems.append(Problem("error", str(path), "no such file or folder"))
        return result
    for file in knowledge_files(path):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            result.problems.append(Problem("error", str(file), f"cannot read: {exc}"))
            continue
        result.extend(parse_entries(text, str(file)))
    return result


class _KnowledgeDumper(yaml.SafeDumper):
    """Readable YAML: multi-line strings as literal blocks, lists indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_KnowledgeDumper.add_representer(str, _represent_str)


def dump_entries(entries: list[KnowledgeEntry], header: str | None = None) -> str:
    """Serialise entries as a knowledge file, leaving out empty optional fields."""
    data = [entry.model_dump(mode="python", exclude_defaults=True, exclude_none=True) for entry in entries]
    for item, entry in zip(data, entries, strict=True):
        item.setdefault("id", entry.id)
        item.setdefault("topic", entry.topic)
    body = yaml.dump(data, Dumper=_KnowledgeDumper, allow_unicode=True, sort_keys=False, width=110)
    return (f"# {header}\n" if header else "") + body
