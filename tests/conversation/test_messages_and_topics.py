"""Button payloads, titles and the topic menu."""

from __future__ import annotations

import json
import re

from bot.conversation.buttons import commune_payload, entry_payload, intent_payload, short_title, topic_payload
from bot.conversation.topics import MENU, menu_buttons, menu_topic, topic_from_text, topic_message, topic_questions
from bot.knowledge.schema import TOPIC_FILES, KnowledgeEntry

PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?P<entities>\{.*\})?$")


def parse(payload: str) -> tuple[str, dict]:
    """Read a payload the way Rasa's regex message handler does."""
    match = PAYLOAD.match(payload)
    assert match, payload
    return match["intent"], json.loads(match["entities"] or "{}")


def test_payloads_are_rasa_intent_messages():
    assert parse(entry_payload("bhyt-vssid-la-gi")) == ("choose_entry", {"entry_id": "bhyt-vssid-la-gi"})
    assert parse(topic_payload("bhyt_dien_tu")) == ("choose_topic", {"topic": "bhyt_dien_tu"})
    assert parse(commune_payload("SL03")) == ("inform", {"commune": "SL03"})
    assert intent_payload("feedback_good") == "/feedback_good"
    assert " " not in entry_payload("x-y")


def test_short_title_cuts_at_a_word():
    assert short_title("  Ngắn   gọn ") == "Ngắn gọn"
    long = "Cài ứng dụng VssID thật ở đâu để không bị cài nhầm ứng dụng giả mạo trên điện thoại?"
    title = short_title(long, 40)
    assert len(title) <= 40 and title.endswith("…") and long.startswith(title[:-1])


def test_menu_has_every_topic_file_once():
    assert sorted(t.key + ".yml" for t in MENU) == sorted(TOPIC_FILES)
    assert {t.topic for t in MENU} == set(TOPIC_FILES.values())
    assert [parse(b.payload)[1]["topic"] for b in menu_buttons()] == [t.key for t in MENU]


def test_topics_from_typed_words():
    assert topic_from_text("bảo hiểm y tế").key == "bhyt_dien_tu"
    assert topic_from_text("hoi ve dvc").key == "dich_vu_cong"
    assert topic_from_text("ban hang ocop").key == "ocop_tmdt"
    assert topic_from_text("xin chào") is None
    assert topic_from_text("bhyt và chuyển khoản") is None  # two topics: let the menu decide
    assert menu_topic("health_insurance").key == "bhyt_dien_tu"
    assert menu_topic("nope") is None


def test_topic_questions_are_buttons_of_that_topic(entries: list[KnowledgeEntry]):
    topic = menu_topic("ocop_tmdt")
    ids = topic_questions(topic, entries)
    by_id = {e.id: e for e in entries}
    assert len(ids) == 5 and all(by_id[i].topic == "ocop_ecommerce" for i in ids)
    message = topic_message(topic, entries, ids)
    assert [parse(b.payload)[1]["entry_id"] for b in message.buttons] == ids
    assert "OCOP" in message.text
