"""Every setting is documented twice, with its default: in `.env.example` and in the README's configuration
table. Both must list exactly the fields of `bot.settings.Settings`, with the same defaults."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT, Settings

ENV_LINE = re.compile(r"^#\s*([A-Z][A-Z0-9_]*)=(.*)$")
TABLE_ROW = re.compile(r"^\|\s*(`[A-Z][A-Z0-9_]*`(?:,\s*`[A-Z][A-Z0-9_]*`)*)\s*\|\s*([^|]*?)\s*\|")
PROJECT_PLACEHOLDERS = {"env": "/path/to/project", "readme": "<project>"}
"""How each document writes the project folder (the real one differs on every machine)."""


def defaults() -> dict[str, Any]:
    """Setting (as an environment variable) → its default."""
    return {name.upper(): field.default for name, field in Settings.model_fields.items()}


def as_written(value: Any, placeholder: str) -> str:
    """A default as the documents write it: None is empty, paths are relative to the project, 30.0 is "30"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    root = str(PROJECT_ROOT)
    if isinstance(value, Path) and value.is_relative_to(PROJECT_ROOT):
        return str(value.relative_to(PROJECT_ROOT))
    return text.replace(root, placeholder)


def env_example() -> dict[str, str]:
    """Variable → the value shown in `.env.example` (every line there is a commented-out default)."""
    found: dict[str, str] = {}
    for line in (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        match = ENV_LINE.match(line)
        if match:
            assert match.group(1) not in found, f"{match.group(1)} is listed twice in .env.example"
            found[match.group(1)] = match.group(2).strip()
    return found


def readme_table() -> dict[str, str]:
    """Variable → the default column of the README's configuration table (one cell may name two variables)."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Configuration"):]
    section = section[:section.index("\n## ", 1)]
    found: dict[str, str] = {}
    for line in section.splitlines():
        match = TABLE_ROW.match(line)
        if not match:
            continue
        names = re.findall(r"`([A-Z0-9_]+)`", match.group(1))
        cells = [cell.strip() for cell in match.group(2).split(",")] if len(names) > 1 else [match.group(2)]
        assert len(cells) == len(names), line
        for name, cell in zip(names, cells, strict=True):
            assert name not in found, f"{name} is listed twice in the README"
            found[name] = cell
    return found


def test_env_example_lists_every_setting_with_its_default():
    documented = env_example()
    assert set(documented) == set(defaults())
    wrong = {}
    for name, default in defaults().items():
        expected = as_written(default, PROJECT_PLACEHOLDERS["env"])
        if documented[name] != expected:
            wrong[name] = (documented[name], expected)
    assert wrong == {}


def test_readme_table_lists_every_setting_with_its_default():
    documented = readme_table()
    assert set(documented) == set(defaults())
    wrong = {}
    for name, default in defaults().items():
        cell = documented[name]
        literal = re.fullmatch(r"`([^`]*)`", cell)
        if default is None:
            if literal:  # a computed default is described in words (a path in backticks may follow them)
                wrong[name] = (cell, "a description of the computed default")
        elif literal is None or literal.group(1).rstrip("/") != as_written(default, PROJECT_PLACEHOLDERS["readme"]):
            wrong[name] = (cell, as_written(default, PROJECT_PLACEHOLDERS["readme"]))
    assert wrong == {}


def test_the_readers_catch_a_missing_or_wrong_default(tmp_path: Path):
    assert as_written(30.0, "") == "30" and as_written(None, "") == "" and as_written(False, "") == "false"
    assert as_written(PROJECT_ROOT / "config" / "communes.yml", "") == "config/communes.yml"
    assert as_written(f"sqlite:///{PROJECT_ROOT}/var/x.db", "<project>") == "sqlite:///<project>/var/x.db"
    row = "| `GATEWAY_HOST`, `GATEWAY_PORT` | `127.0.0.1`, `8000` | where the gateway listens |"
    match = TABLE_ROW.match(row)
    assert match is not None and match.group(2) == "`127.0.0.1`, `8000`"
    assert ENV_LINE.match("# RETRIEVAL_DENSE_WEIGHT=0.2") and not ENV_LINE.match("# Retrieval: weight of …")


def test_the_retrievers_default_dense_weight_is_the_configured_one():
    import inspect

    from bot.retrieval.retriever import Retriever

    default = inspect.signature(Retriever).parameters["dense_weight"].default
    assert default == Settings.model_fields["retrieval_dense_weight"].default
