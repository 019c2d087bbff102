"""`KnowledgeSync`: every assistant process catches up with the knowledge changes published in the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.db import make_engine, migrate
from bot.knowledge.live import KnowledgeSync, SyncReport, baseline_revision, current_revision, publish_change
from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.retriever import Retriever
from tests.decision_models import cosine_decision
from tests.escalations.helpers import WordEmbedder

POLICY = cosine_decision()


def entry(entry_id: str, question: str, answer: str = "Câu trả lời.") -> KnowledgeEntry:
    return KnowledgeEntry(id=entry_id, topic="digital_skills", question=question, answer=answer,
                          alternates=["cách hỏi một", "cách hỏi hai", "cách hỏi ba"], source_url="https://example.gov.vn")


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    migrate(engine)
    return engine


def retriever() -> Retriever:
    built = Retriever(WordEmbedder(), POLICY)
    built.build([entry("kns-wifi", "Cách kết nối wifi cho điện thoại?")])
    return built


def publish(engine: Engine, *entries: KnowledgeEntry) -> int:
    with Session(engine) as session:
        revisions = [publish_change(session, "admin", "create", e, "ky_nang_so.yml") for e in entries]
        session.commit()
    return revisions[-1]


def test_two_replicas_catch_up_and_the_last_version_of_an_entry_wins(engine: Engine):
    start = current_revision(engine)
    first, second = retriever(), retriever()
    seen: list[SyncReport] = []
    sync_a = KnowledgeSync(first, since=start, engine=engine, on_change=seen.append)
    sync_b = KnowledgeSync(second, since=start, engine=engine)
    assert sync_a.refresh_if_changed() == SyncReport(start, [])
    revision = publish(engine, entry("kns-chu-ky-so", "Đăng ký chữ ký số cá nhân ở đâu?", "Bản đầu."),
                       entry("kns-chu-ky-so", "Đăng ký chữ ký số cá nhân ở đâu?", "Bản sửa."))
    assert revision == start + 2 == current_revision(engine)
    for sync, held in ((sync_a, first), (sync_b, second)):
        report = sync.refresh_if_changed()
        assert report == SyncReport(revision, ["kns-chu-ky-so"])
        assert held.entries["kns-chu-ky-so"].answer == "Bản sửa."
        assert held.search("dang ky chu ky so ca nhan o dau").entry_id == "kns-chu-ky-so"
        assert sync.refresh_if_changed().upserted == []
    assert [r.upserted for r in seen] == [["kns-chu-ky-so"]]


def test_without_a_starting_revision_the_first_refresh_is_the_baseline(engine: Engine):
    publish(engine, entry("kns-cu", "Một câu hỏi cũ đã có trong tệp?"))
    held = retriever()
    sync = KnowledgeSync(held, engine=engine)
    assert sync.refresh_if_changed().upserted == [] and "kns-cu" not in held.entries
    publish(engine, entry("kns-moi", "Một câu hỏi mới được duyệt?"))
    assert sync.refresh_if_changed().upserted == ["kns-moi"]


def test_an_unreachable_database_never_breaks_answering(tmp_path: Path):
    held = retriever()
    sync = KnowledgeSync(held, since=0, engine=make_engine(f"sqlite:///{tmp_path / 'missing' / 'x.db'}"))
    assert sync.refresh_if_changed() == SyncReport(0, [])
    assert held.rank("ket noi wifi")[0].entry_id == "kns-wifi"


def test_a_change_that_no_longer_fits_the_schema_is_skipped(engine: Engine):
    held = retriever()
    sync = KnowledgeSync(held, since=current_revision(engine), engine=engine)
    publish(engine, entry("kns-hong", "Mục sẽ bị hỏng?"))
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE knowledge_changes SET entry = '{\"id\": \"kns-hong\"}'")
    report = sync.refresh_if_changed()
    assert report.upserted == [] and report.revision == current_revision(engine) and "kns-hong" not in held.entries


def test_the_baseline_is_read_before_loading_and_is_none_when_unreadable(engine: Engine, tmp_path: Path):
    assert baseline_revision(engine) == current_revision(engine) == 0
    publish(engine, entry("kns-mot", "Một câu hỏi?"))
    assert baseline_revision(engine) == 1
    assert baseline_revision(make_engine(f"sqlite:///{tmp_path / 'empty.db'}")) is None
