"""Fixtures of the conversation tests: the real knowledge base and retriever, a migrated test database."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.conversation.answering import Answerer
from bot.knowledge.schema import KnowledgeEntry
from bot.knowledge.store import load_knowledge
from bot.questionlog import record_question
from bot.retrieval.decision import Thresholds
from bot.retrieval.retriever import Retriever
from bot.retrieval.service import build_retriever
from bot.settings import PROJECT_ROOT, Settings, get_settings


@pytest.fixture(scope="session")
def entries() -> list[KnowledgeEntry]:
    """Every entry of `knowledge/`."""
    loaded = load_knowledge(PROJECT_ROOT / "knowledge")
    assert not loaded.errors
    return [located.entry for located in loaded.entries]


@pytest.fixture(scope="session")
def retriever(entries: list[KnowledgeEntry]) -> Retriever:
    """The retriever with the configured thresholds (embeddings come from the cache in var/)."""
    return build_retriever(get_settings(), entries)


def retriever_with(entries: list[KnowledgeEntry], thresholds: Thresholds) -> Retriever:
    """A retriever whose decision thresholds are overridden, so a test does not depend on the calibration."""
    built = build_retriever(get_settings(), entries)
    built.decision_model = replace(built.decision_model, thresholds=thresholds)
    return built


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a fresh SQLite database, with a fixed pseudonym key."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'trolyso.db'}", pseudonym_key="test-key",
                    escalation_outbox_path=tmp_path / "outbox.jsonl")


@pytest.fixture
def answerer(retriever: Retriever, engine: Engine, settings: Settings) -> Answerer:
    """An answerer over the real knowledge base that logs questions to the test database."""
    return Answerer(retriever, partial(record_question, engine=engine, settings=settings),
                    settings.procedure_search_url)
