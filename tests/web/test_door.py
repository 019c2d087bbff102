"""The command door: only payloads offered in a conversation (or standing ones) reach Rasa as commands."""

from __future__ import annotations

import pytest

from bot.conversation.buttons import commune_payload, entry_payload, escalation_offer_buttons, topic_payload
from bot.conversation.standing import is_standing_payload
from bot.conversation.topics import MENU
from bot.door import Command, CommandDoor, parse_command, plain_text
from bot.escalations.texts import rating_buttons
from bot.messages import Button, Message

ALICE, BOB = "web:alice", "web:bob"


def door_with_offer(sender: str, *payloads: str) -> CommandDoor:
    door = CommandDoor(is_standing_payload)
    door.offer(sender, [Message("chọn", [Button(p, p) for p in payloads])])
    return door


@pytest.mark.parametrize("forged", [
    "/restart", "/session_start", "/affirm", "/deny", '/inform{"commune": "SL03"}', "  /restart  ",
    '/choose_entry{"entry_id": "vneid-cai-dat"}', "/greet@1.0", "//restart", "/ restart",
])
def test_commands_nobody_offered_reach_rasa_as_text(forged: str):
    admitted = CommandDoor(is_standing_payload).admit(ALICE, forged)
    assert not admitted.startswith("/") and admitted.strip()


def test_the_plain_text_of_a_command_keeps_its_words():
    assert plain_text('/inform{"commune": "Tân Lập"}') == 'inform{"commune": "Tân Lập"}'
    assert plain_text("  /restart") == "restart"
    assert plain_text("cách cài vneid / vssid") == "cách cài vneid / vssid"
    assert plain_text("/") == "/"  # slashes alone name no intent: Rasa reads them as text


def test_offered_payloads_are_commands_for_their_conversation_only():
    offer, no = (b.payload for b in escalation_offer_buttons())
    commune = commune_payload("SL03")
    door = door_with_offer(ALICE, offer, no, commune)
    assert door.admit(ALICE, offer) == "/affirm"
    assert door.admit(ALICE, f" {commune} ") == commune
    assert door.admit(BOB, offer) == "affirm"  # offered to Alice, not to Bob
    assert door.admit(ALICE, commune_payload("SL04")) == 'inform{"commune":"SL04"}'  # another entity value
    assert door.admit(ALICE, "/restart") == "restart"


def test_standing_payloads_need_no_offer():
    door = CommandDoor(is_standing_payload)
    assert door.admit(ALICE, topic_payload(MENU[0].key)) == topic_payload(MENU[0].key)
    for button in rating_buttons("TL-7F3K2"):
        assert door.admit(ALICE, button.payload) == button.payload
    assert door.admit(ALICE, "/feedback_good") == "/feedback_good"
    assert not door.admit(ALICE, topic_payload("khong-co")).startswith("/")
    assert not door.admit(ALICE, '/feedback_good{"ticket": "TL-7F3K2", "x": "y"}').startswith("/")
    assert not door.admit(ALICE, '/feedback_good{"ticket": "ABC"}').startswith("/")


@pytest.mark.parametrize("malformed", [
    '/inform{"commune": 7}', '/inform{"commune": {"a": "b"}}', '/inform{"commune": "a\\u0000"}', "/inform{bad json}",
    "/Inform", '/inform{"commune": "SL03"} và thêm chữ', "/" + "a" * 65, '/inform{"Commune": "SL03"}',
    "/inform" + "{" * 5000,
])
def test_malformed_commands_are_text_even_when_offered(malformed: str):
    assert parse_command(malformed) is None
    assert not door_with_offer(ALICE, malformed).admit(ALICE, malformed).startswith("/")


def test_well_formed_commands_are_parsed_with_their_entities():
    assert parse_command(entry_payload("a-b")) == Command("choose_entry", {"entry_id": "a-b"})
    assert parse_command("/affirm") == Command("affirm")


def test_the_memory_is_bounded_per_conversation_and_in_conversations():
    door = CommandDoor(conversations=2, per_conversation=3)
    payloads = [entry_payload(f"e{i}") for i in range(5)]
    door.offer(ALICE, [Message("x", [Button(p, p) for p in payloads])])
    assert [door.was_offered(ALICE, p) for p in payloads] == [False, False, True, True, True]
    door.offer(BOB, [Message("x", [Button("có", "/affirm")])])
    door.offer("web:carol", [Message("x", [Button("có", "/affirm")])])
    assert door.tracked_conversations() == 2 and not door.was_offered(ALICE, payloads[-1])
    door.offer(ALICE, [Message("chỉ chữ", [Button("trang", "https://dichvucong.gov.vn")])])
    assert not door.was_offered(ALICE, "https://dichvucong.gov.vn")  # not a command: nothing to remember
