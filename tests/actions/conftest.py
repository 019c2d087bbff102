"""Fixtures of the action tests (the pattern of RasaHQ/financial-demo's tests): a tracker loaded from a dump,
a clean dispatcher, the domain, and the actions' runtime on a throwaway database."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import ActionRuntime, use_runtime
from bot.db import make_engine, migrate
from bot.settings import PROJECT_ROOT, Settings

INITIAL_TRACKER = json.loads((Path(__file__).parent / "data" / "initial_tracker.json").read_text(encoding="utf-8"))

TrackerFor = Callable[..., Tracker]


@pytest.fixture(scope="session")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ActionRuntime]:
    """The runtime the actions use, on a migrated SQLite database of its own (the real knowledge base)."""
    folder = tmp_path_factory.mktemp("actions")
    settings = Settings(database_url=f"sqlite:///{folder / 'actions.db'}", pseudonym_key="test-key",
                        escalation_outbox_path=folder / "outbox.jsonl")
    engine = make_engine(settings.database_url)
    migrate(engine)
    runtime = ActionRuntime(settings, engine)
    use_runtime(runtime)
    yield runtime
    use_runtime(None)
    engine.dispose()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    """A clean dispatcher."""
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The domain as a dictionary."""
    loaded: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def tracker_for() -> TrackerFor:
    """`tracker_for(text=..., intent=..., entities=..., slots=..., sender_id=..., events=...)`: the initial tracker
    with the citizen's last message and the slots changed."""

    def make(text: str = "xin chào", intent: str = "ask_question", entities: dict[str, str] | None = None,
             slots: dict[str, Any] | None = None, sender_id: str | None = None,
             events: list[dict[str, Any]] | None = None, latest_action_name: str = "action_listen") -> Tracker:
        state = copy.deepcopy(INITIAL_TRACKER)
        parse = {"text": text, "intent": {"name": intent, "confidence": 1.0},
                 "entities": [{"entity": name, "value": value} for name, value in (entities or {}).items()]}
        state["latest_message"] = parse
        state["events"] = [*state["events"][:-1], {"event": "user", "text": text, "parse_data": parse},
                           *(events or [])]
        state["slots"].update(slots or {})
        state["latest_action_name"] = latest_action_name
        if sender_id is not None:
            state["sender_id"] = sender_id
        return Tracker.from_dict(state)

    return make
