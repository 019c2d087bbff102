"""The question sets named in `config/question_sets.yml`: development sets (calibration, tuning) and held-out
sets (reporting only), each a knowledge base with groups of question files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from bot.retrieval.evaluation import EvalQuery, load_queries
from bot.settings import PROJECT_ROOT

QUESTION_SETS_FILE = PROJECT_ROOT / "config" / "question_sets.yml"
GROUPS = ("in_scope", "out_of_scope_far", "out_of_scope_near")
Purpose = Literal["development", "held_out"]


@dataclass(frozen=True)
class QuestionSet:
    """One knowledge base and its question files, by group."""

    name: str
    purpose: Purpose
    knowledge: Path
    groups: dict[str, tuple[Path, ...]]
    conversations: Path | None = None
    """Two-message conversations (`{"first", "second", "expected", "kind"}` lines), if the set has them."""

    def questions(self, group: str) -> list[EvalQuery]:
        """The questions of one group, each text once (the first occurrence kept)."""
        seen: set[str] = set()
        kept = []
        for path in self.groups.get(group, ()):
            for query in load_queries(path):
                if query.query not in seen:
                    seen.add(query.query)
                    kept.append(query)
        return kept

    def missing_files(self) -> list[Path]:
        """Files the set names that do not exist (e.g. `../shared` on a machine without it)."""
        paths = [self.knowledge, *(p for files in self.groups.values() for p in files)]
        if self.conversations is not None:
            paths.append(self.conversations)
        return [p for p in paths if not p.exists()]


def load_question_sets(path: Path = QUESTION_SETS_FILE, root: Path = PROJECT_ROOT) -> list[QuestionSet]:
    """Every set of the file, development sets first; paths are read relative to `root`.

    ValueError for an unknown group or a malformed file.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sets = []
    for purpose in ("development", "held_out"):
        for item in data.get(purpose) or []:
            try:
                groups = {name: tuple(root / p for p in files) for name, files in item["groups"].items()}
                unknown = set(groups) - set(GROUPS)
                if unknown:
                    raise ValueError(f"unknown groups {sorted(unknown)} (known: {', '.join(GROUPS)})")
                conversations = item.get("conversations")
                sets.append(QuestionSet(str(item["name"]), purpose, root / item["knowledge"], groups,
                                        root / conversations if conversations else None))
            except (KeyError, TypeError, AttributeError) as exc:
                raise ValueError(f"{path}: malformed question set {item!r}: {exc}") from exc
    return sets
