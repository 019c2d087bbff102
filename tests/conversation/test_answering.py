"""Answer, clarify, abstain and unreadable messages through the real retriever, each question logged."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.conversation.answering import OFFER_ESCALATION, Answerer, ConversationState
from bot.conversation.buttons import FEEDBACK_BAD, FEEDBACK_GOOD, entry_payload
from bot.conversation.input_check import classify_input
from bot.conversation.replies import answer_messages
from bot.conversation.topics import EXAMPLE_QUESTIONS
from bot.knowledge.schema import KnowledgeEntry
from bot.models import QuestionLog
from bot.questionlog import record_question
from bot.retrieval.retriever import Retriever
from bot.retrieval.service import build_retriever
from bot.settings import Settings, get_settings
from bot.text import strip_diacritics
from tests.conversation.conftest import retriever_with
from tests.decision_models import always


def logged(engine: Engine) -> list[QuestionLog]:
    with Session(engine) as session:
        return list(session.scalars(select(QuestionLog).order_by(QuestionLog.id)))


def test_answer_has_source_related_buttons_and_feedback(retriever: Retriever):
    entry = retriever.entries["bhyt-vssid-cai-dat"]
    answer, feedback = answer_messages(entry, retriever.entries, 17)
    assert answer.text.startswith(entry.answer.strip()[:40])
    assert f"Nguồn: {entry.source_url}" in answer.text
    assert [b.payload for b in answer.buttons] == [entry_payload(i) for i in entry.related[:3]]
    rated = '{"question":"17"}'  # the logged question the buttons rate, even when pressed later
    assert [b.payload for b in feedback.buttons] == [FEEDBACK_GOOD + rated, FEEDBACK_BAD + rated]


def test_related_buttons_are_at_most_three_and_skip_unknown_ids(retriever: Retriever):
    entry = retriever.entries["bhyt-vssid-cai-dat"].model_copy(
        update={"related": ["nope", "bhyt-vssid-la-gi", "bhyt-vssid-dang-ky-tai-khoan", "bhyt-vssid-quen-mat-khau",
                            "bhyt-vssid-dang-nhap-vneid"]})
    answer, _ = answer_messages(entry, retriever.entries)
    assert [b.payload for b in answer.buttons] == [
        entry_payload(i) for i in ["bhyt-vssid-la-gi", "bhyt-vssid-dang-ky-tai-khoan", "bhyt-vssid-quen-mat-khau"]]


@pytest.mark.parametrize("diacritics", [True, False])
def test_question_answered_and_logged(answerer: Answerer, engine: Engine, diacritics: bool):
    entry = answerer.retriever.entries["dvc-vneid-quen-mat-khau"]
    text = entry.question if diacritics else strip_diacritics(entry.question).lower()
    outcome = answerer.answer_text(text, ConversationState(), "telegram", "12345")
    assert entry.source_url in outcome.messages[0].text
    assert outcome.slots["context_entry"] == entry.id and outcome.slots["offer"] is None
    [row] = logged(engine)
    assert (row.decision, row.entry_id, row.context_used, row.text) == ("answer", entry.id, False, text)
    assert row.scores["candidates"][0]["entry_id"] == entry.id
    assert outcome.slots["question_id"] == row.id
    assert row.sender != "12345"  # pseudonymised


def test_clarify_offers_candidates_then_a_typed_number_answers(entries: list[KnowledgeEntry], engine: Engine,
                                                               settings: Settings):
    vssid = [e for e in entries if e.id.startswith("bhyt-vssid")]
    answerer = Answerer(retriever_with(vssid, always("clarify")),
                        partial(record_question, engine=engine, settings=settings), settings.procedure_search_url)
    outcome = answerer.answer_text("vssid", ConversationState(), "web", "s1")
    [message] = outcome.messages
    choices = outcome.slots["choices"]
    assert 2 <= len(choices) <= 3
    assert [b.payload for b in message.buttons] == [*(entry_payload(i) for i in choices), "/affirm"]
    assert message.buttons[-1].title == "Không phải, nhờ Tổ hỗ trợ"
    titles = [answerer.retriever.entries[i].display_title for i in choices]
    assert [b.title for b in message.buttons[:-1]] == [f"{n}. {t}" for n, t in enumerate(titles, 1)]
    assert all("…" not in b.title and len(b.title) <= 40 for b in message.buttons)
    assert not any(t in message.text for t in titles)  # the list is shown once, as buttons
    assert (outcome.slots["offer"], outcome.slots["pending_question"]) == (OFFER_ESCALATION, "vssid")
    assert logged(engine)[0].decision == "clarify"
    chosen = answerer.answer_text("câu 2", ConversationState(choices=tuple(choices)), "web", "s1")
    assert chosen.slots["context_entry"] == choices[1]
    assert answerer.retriever.entries[choices[1]].source_url in chosen.messages[0].text
    assert len(logged(engine)) == 1  # a choice is not a new question


def test_abstain_offers_the_team(entries: list[KnowledgeEntry], engine: Engine, settings: Settings):
    answerer = Answerer(retriever_with(entries[:20], always("abstain")),
                        partial(record_question, engine=engine, settings=settings), settings.procedure_search_url)
    outcome = answerer.answer_text("làm sổ đỏ cho đất vườn mất bao lâu", ConversationState(), "web", "s2")
    assert outcome.slots["offer"] == OFFER_ESCALATION
    assert outcome.slots["pending_question"] == "làm sổ đỏ cho đất vườn mất bao lâu"
    assert outcome.slots["context_entry"] is None
    assert [b.payload for b in outcome.messages[0].buttons] == ["/affirm", "/deny"]
    assert logged(engine)[0].decision == "abstain"


@pytest.mark.parametrize(("text", "kind"), [("😀😀😀", "no_text"), ("asdkjh qwe zxc", "gibberish"),
                                            ("How do I pay my bill?", "foreign")])
def test_unreadable_messages_get_a_polite_reply_and_are_logged(answerer: Answerer, engine: Engine, text: str,
                                                                kind: str):
    outcome = answerer.answer_text(text, ConversationState(), "web", "s3")
    assert outcome.messages and outcome.messages[0].text
    assert outcome.slots["offer"] is None
    assert logged(engine)[0].decision == kind


def test_a_number_alone_is_read_as_text_not_as_a_picture(answerer: Answerer, engine: Engine):
    outcome = answerer.answer_text("123456", ConversationState(), "web", "s3")
    assert "dãy số" in outcome.messages[0].text and "chỉ đọc được chữ" not in outcome.messages[0].text
    assert logged(engine)[0].decision == "numbers"


def test_a_typed_number_still_picks_an_offered_choice(answerer: Answerer):
    entry_ids = list(answerer.retriever.entries)[:3]
    outcome = answerer.answer_text("2", ConversationState(choices=tuple(entry_ids)), "web", "s3")
    assert outcome.slots["context_entry"] == entry_ids[1]


def test_long_message_asks_to_shorten_and_offers_the_team(answerer: Answerer):
    text = "Tôi có nhiều việc muốn hỏi về VssID và VNeID. " * 30
    outcome = answerer.answer_text(text, ConversationState(), "web", "s4")
    assert "ngắn" in outcome.messages[0].text
    assert outcome.slots["offer"] == OFFER_ESCALATION and outcome.slots["pending_question"] == text


def test_follow_up_uses_the_previous_question(answerer: Answerer, engine: Engine):
    first = answerer.answer_text("quên mật khẩu VNeID thì lấy lại thế nào", ConversationState(), "web", "s5")
    assert first.slots["context_entry"] == "dvc-vneid-quen-mat-khau"
    state = ConversationState(context_entry=first.slots["context_entry"],
                              context_question=first.slots["context_question"])
    second = answerer.answer_text("thế còn vssid?", state, "web", "s5")
    rows = logged(engine)
    assert rows[-1].context_used is True
    assert rows[-1].entry_id == "bhyt-vssid-quen-mat-khau"
    assert second.slots["context_entry"] == "bhyt-vssid-quen-mat-khau"


def test_database_outage_does_not_cost_the_answer(retriever: Retriever):
    def broken(*_args: object) -> int:
        raise RuntimeError("database gone")

    outcome = Answerer(retriever, broken, "https://dvc.example/?q={query}").answer_text(
        "quên mật khẩu VNeID", ConversationState(), "web", "s6")
    assert outcome.slots["question_id"] is None and outcome.messages


def test_unknown_entry_button(answerer: Answerer):
    outcome = answerer.answer_entry("khong-con-nua")
    assert "không tìm thấy" in outcome.messages[0].text


def test_topic_menu_and_topic(answerer: Answerer):
    assert len(answerer.choose_topic(None).messages[0].buttons) == 5


def test_vocabulary_follows_live_changes(entries: list[KnowledgeEntry], tmp_path: Path):
    retriever = build_retriever(get_settings(), entries[:2], cache_path=tmp_path / "embeddings.sqlite")
    answerer = Answerer(retriever, lambda *_args: 1, "https://dvc.example/?q={query}")
    assert classify_input("zalopayxyz ekyc", answerer.known_words) == "gibberish"
    retriever.upsert(entries[0].model_copy(update={"id": "moi", "question": "Mở zalopayxyz ekyc thế nào?"}))
    answerer.refresh_vocabulary()
    assert classify_input("zalopayxyz ekyc", answerer.known_words) == "ok"


def test_an_uncovered_procedure_points_to_the_portal_search(answerer: Answerer, engine: Engine):
    text = "Thủ tục xin giấy phép xây dựng nhà ở nông thôn cần giấy tờ gì, nộp ở đâu?"
    outcome = answerer.answer_text(text, ConversationState(), "web", "s7")
    [message] = outcome.messages
    assert "chưa có hướng dẫn đã được kiểm chứng" in message.text
    search = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html?keyword="
    assert search + quote_plus("giấy phép xây dựng") in message.text
    assert "Thành phần hồ sơ" in message.text and "Phí, lệ phí" in message.text
    assert [b.payload for b in message.buttons] == ["/affirm", "/deny"]
    assert outcome.slots["offer"] == OFFER_ESCALATION and outcome.slots["pending_question"] == text
    [row] = logged(engine)
    assert row.decision == "abstain" and row.entry_id is None
    assert row.scores["reason"] == "procedure" and row.scores["procedure"].startswith("giấy phép xây dựng")


def test_two_questions_answer_the_known_one_and_name_the_other(answerer: Answerer, engine: Engine):
    text = "Quên mật khẩu VNeID thì lấy lại thế nào? Với lại giá vàng hôm nay bao nhiêu một chỉ?"
    outcome = answerer.answer_text(text, ConversationState(), "web", "s8")
    assert outcome.slots["context_entry"] == "dvc-vneid-quen-mat-khau"
    assert answerer.retriever.entries["dvc-vneid-quen-mat-khau"].source_url in outcome.messages[0].text
    last = outcome.messages[-1]
    assert "giá vàng hôm nay bao nhiêu một chỉ" in last.text and "chưa có câu trả lời" in last.text
    assert outcome.slots["offer"] == OFFER_ESCALATION
    assert outcome.slots["pending_question"] == "giá vàng hôm nay bao nhiêu một chỉ"
    [row] = logged(engine)
    assert row.scores["unanswered_parts"] == ["giá vàng hôm nay bao nhiêu một chỉ"]


def test_one_likely_candidate_is_offered_as_a_confirmation(entries: list[KnowledgeEntry], engine: Engine,
                                                           settings: Settings):
    one = [e for e in entries if e.id == "bhyt-vssid-cai-dat"]
    answerer = Answerer(retriever_with(one, always("clarify")),
                        partial(record_question, engine=engine, settings=settings), settings.procedure_search_url)
    [message] = answerer.answer_text("cài vssid", ConversationState(), "web", "s9").messages
    assert message.text.startswith("Có phải bạn muốn hỏi")
    assert [b.payload for b in message.buttons] == [entry_payload("bhyt-vssid-cai-dat"), "/affirm"]


@pytest.mark.parametrize("question", EXAMPLE_QUESTIONS)
def test_the_greetings_example_questions_are_answered(answerer: Answerer, question: str):
    outcome = answerer.answer_text(question, ConversationState(), "web", "examples")
    assert outcome.slots["context_entry"], outcome.messages[0].text  # an answer: no choice list, no abstention


@pytest.mark.parametrize("follow_up", ["thế còn vssid?", "mất phí không?", "cách cài vssid"])
def test_one_message_is_retrieved_and_encoded_once(answerer: Answerer, monkeypatch: pytest.MonkeyPatch,
                                                   follow_up: str):
    first = answerer.answer_text("quên mật khẩu VNeID thì lấy lại thế nào", ConversationState(), "web", "s6")
    state = ConversationState(context_entry=first.slots["context_entry"],
                              context_question=first.slots["context_question"])
    retriever = answerer.retriever
    searches: list[str] = []
    encodings: list[list[str]] = []
    ranked, encode = retriever.ranked, retriever.embedder.encode_queries
    monkeypatch.setattr(retriever, "ranked", lambda query, limit=10: searches.append(query) or ranked(query, limit))
    monkeypatch.setattr(retriever.embedder, "encode_queries", lambda texts: encodings.append(texts) or encode(texts))
    answerer.answer_text(follow_up, state, "web", "s6")
    assert len(searches) == 1 and len(encodings) == 1
