"""The import directions of the project: every module imports only from the layers below its own.

Modules are grouped into units (a package of `bot/`, a top-level module, or one of the process entry points),
and the units into layers, top to bottom. A module may import from its own unit and from any unit of a lower
layer; never upwards, never sideways into another unit of its layer. That rules out import cycles between
packages. Every import counts: at module level, inside functions, and under `TYPE_CHECKING`.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from bot.settings import PROJECT_ROOT

ENTRY_POINTS = ("bot.cli", "bot.run", "bot.gateway", "bot.channels.telegram.app", "bot.channels.zalo.app",
                "bot.migrations", "actions")
"""Modules that start a process or a command: they read the settings once and wire the parts for them."""

LAYERS: list[tuple[str, set[str]]] = [
    ("command line", {"bot.cli"}),
    ("processes and their wiring", {"actions", "bot.gateway", "bot.channels.telegram.app", "bot.channels.zalo.app",
                                    "bot.run", "bot.migrations"}),
    ("interfaces: the Telegram channel and team groups, the Zalo channel, the dashboard, the gateway's upkeep, "
     "the evaluation commands",
     {"bot.channels.telegram", "bot.channels.zalo", "bot.web.dashboard", "bot.upkeep", "bot.evaluation"}),
    ("features: the conversation, FAQ gaps, figures, accounts", {"bot.conversation", "bot.gaps", "bot.analytics",
                                                                 "bot.accounts"}),
    ("the escalation workflow", {"bot.escalations"}),
    ("delivery of a message to a citizen on their channel", {"bot.delivery"}),
    ("the web channel: chat API, widget, web inbox", {"bot.web"}),
    ("the citizens' entry into the conversation, shared by every channel", {"bot.entry"}),
    ("engines: retrieval, the question log, Rasa, the command door, process supervision",
     {"bot.retrieval", "bot.questionlog", "bot.rasa_model", "bot.rasa_client", "bot.rasa_endpoints", "bot.leases",
      "bot.door", "bot.supervisor"}),
    ("the knowledge base and the province", {"bot.knowledge", "bot.province", "bot.masking", "bot.pseudonym"}),
    ("foundations", {"bot", "bot.channels", "bot.messages", "bot.limits", "bot.sender_ids", "bot.localtime", "bot.text",
                     "bot.splitting", "bot.ratelimit", "bot.keyfile", "bot.phone", "bot.models", "bot.db",
                     "bot.settings"}),
]
SUBPACKAGE_UNITS = ("bot.channels.telegram", "bot.channels.zalo", "bot.web.dashboard")
"""Subpackages that are units of their own (their parent's other modules sit in another layer)."""


def unit_of(module: str) -> str | None:
    """The unit a project module belongs to; None for a module outside the project (a library)."""
    if module == "actions" or module.startswith("actions."):
        return "actions"
    if module != "bot" and not module.startswith("bot."):
        return None
    for name in (*ENTRY_POINTS, *SUBPACKAGE_UNITS):
        if module == name or module.startswith(name + "."):
            return name
    parts = module.split(".")
    return "bot" if len(parts) == 1 else f"bot.{parts[1]}"


def module_name(path: Path) -> str:
    """The dotted name of a source file of the project."""
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    """Every project module `path` imports (`from bot import limits` counts as `bot.limits`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update(f"{node.module}.{alias.name}" if node.module == "bot" else node.module for alias in node.names)
    return found


def project_imports() -> dict[tuple[str, str], list[str]]:
    """(importing unit, imported unit) → the importing modules, for every import across units."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted([*(PROJECT_ROOT / "bot").rglob("*.py"), *(PROJECT_ROOT / "actions").glob("*.py")]):
        source = module_name(path)
        source_unit = unit_of(source)
        assert source_unit is not None
        for imported in imported_modules(path):
            target = unit_of(imported)
            if target is not None and target != source_unit:
                edges[(source_unit, target)].append(source)
    return edges


def layer_index() -> dict[str, int]:
    """Unit → its layer's position (0 is the top)."""
    return {unit: index for index, (_, units) in enumerate(LAYERS) for unit in units}


def wrong_directions(edges: dict[tuple[str, str], list[str]]) -> list[str]:
    """The imports that go up the layers or sideways to another unit of the same layer, explained."""
    layers = layer_index()
    return [f"{source} ({LAYERS[layers[source]][0]}) imports {target} ({LAYERS[layers[target]][0]}): "
            f"{', '.join(sorted(set(modules)))}"
            for (source, target), modules in edges.items() if layers[target] <= layers[source]]


def test_every_unit_has_a_layer():
    units = {unit_of(module_name(p)) for p in [*(PROJECT_ROOT / "bot").rglob("*.py"),
                                                 *(PROJECT_ROOT / "actions").glob("*.py")]}
    assert units - set(layer_index()) == set(), "place the new package or module in LAYERS"
    assert set(layer_index()) - units == set(), "LAYERS names a unit that no longer exists"


def test_imports_only_go_down_the_layers():
    assert wrong_directions(project_imports()) == []


def test_the_check_finds_upward_and_sideways_imports(tmp_path: Path):
    source = tmp_path / "upward.py"
    source.write_text("import sqlalchemy\nfrom bot.escalations.workflow import Workflow\nfrom bot import limits\n\n"
                      "def later():\n    from bot.web.dashboard import render\n", encoding="utf-8")
    assert imported_modules(source) == {"sqlalchemy", "bot.escalations.workflow", "bot.limits",
                                        "bot.web.dashboard"}
    assert wrong_directions({("bot.escalations", "bot.delivery"): ["bot.escalations.workflow"]}) == []
    (upward,) = wrong_directions({("bot.delivery", "bot.escalations"): ["bot.delivery"]})
    assert upward.startswith("bot.delivery (delivery of a message") and upward.endswith(": bot.delivery")
    assert wrong_directions({("bot.gaps", "bot.analytics"): ["bot.gaps.report"]})  # same layer, another unit
    assert unit_of("bot.channels.telegram.app") == "bot.channels.telegram.app"
    assert unit_of("bot.channels.telegram.team") == "bot.channels.telegram"
    assert unit_of("bot.web.dashboard.render") == "bot.web.dashboard" and unit_of("bot.web.inbox") == "bot.web"
    assert unit_of("sqlalchemy.orm") is None
