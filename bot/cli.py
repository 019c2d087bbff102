"""The `trolyso` command line: settings are read once here and passed to every command."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.accounts.cli import add_user_commands
from bot.evaluation.cli import add_evaluation_commands
from bot.gaps.cli import add_gaps_commands
from bot.knowledge.cli import add_kb_commands
from bot.retrieval.cli import add_retrieval_commands
from bot.retrieval.neural.cli import add_model_commands
from bot.settings import Settings, get_settings


def cmd_run(_args: argparse.Namespace, settings: Settings) -> int:
    """Start Rasa, the action server and the gateway under the supervisor."""
    from bot.run import run

    return run(settings)


def cmd_telegram(_args: argparse.Namespace, settings: Settings) -> int:
    """Run the Telegram channel alone (`trolyso run` starts it when TELEGRAM_BOT_TOKEN is set)."""
    from bot.channels.telegram.app import main

    return main(settings)


def cmd_zalo(_args: argparse.Namespace, settings: Settings) -> int:
    """Run the Zalo channel alone (`trolyso run` starts it when ZALO_BOT_TOKEN or an Official Account is set)."""
    from bot.channels.zalo.app import main

    return main(settings)


def cmd_train(_args: argparse.Namespace, settings: Settings) -> int:
    """Train the Rasa model unless one for the current inputs exists."""
    from bot.rasa_model import ensure_trained

    path, trained = ensure_trained(settings.knowledge_dir)
    print(f"✓ {'trained' if trained else 'reusing'} Rasa model {path.relative_to(path.parents[1])}")
    return 0


def cmd_rasa_endpoints(args: argparse.Namespace, settings: Settings) -> int:
    """Write the Rasa endpoints file for the settings (what `trolyso run` does before starting Rasa) and print its
    path: for Rasa servers started by another supervisor (deploy/docker-compose.yml)."""
    from bot.rasa_endpoints import write_endpoints

    print(write_endpoints(settings, args.out))
    return 0


def cmd_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    """Bring the database schema of DATABASE_URL up to date (the gateway also does it when it starts)."""
    from bot.db import get_engine, migrate

    migrate(get_engine(settings.database_url))
    print("✓ database schema up to date")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="trolyso", description="Trợ lý số: command line")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the assistant (Rasa, actions, gateway)").set_defaults(func=cmd_run)
    commands.add_parser("train", help="train the Rasa model if its inputs changed").set_defaults(func=cmd_train)
    commands.add_parser("telegram", help="run the Telegram channel (needs TELEGRAM_BOT_TOKEN)").set_defaults(
        func=cmd_telegram
    )
    commands.add_parser("zalo", help="run the Zalo channel (needs ZALO_BOT_TOKEN or a Zalo Official Account)"
                        ).set_defaults(func=cmd_zalo)
    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(func=cmd_migrate)
    endpoints = commands.add_parser("rasa-endpoints", help="write Rasa's endpoints file (stores, action endpoint)")
    endpoints.add_argument("--out", type=Path, default=None,
                           help="the file to write (default: var/rasa/endpoints-<hash>.yml)")
    endpoints.set_defaults(func=cmd_rasa_endpoints)
    add_kb_commands(commands)
    add_retrieval_commands(commands)
    add_model_commands(commands)
    add_evaluation_commands(commands)
    add_user_commands(commands)
    add_gaps_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `trolyso` console script."""
    args = build_parser().parse_args(argv)
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    status: int = args.func(args, settings)
    return status


if __name__ == "__main__":
    sys.exit(main())
