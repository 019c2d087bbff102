"""The channels' common entry: the door in front of Rasa, offered buttons remembered, the degraded mode."""

from __future__ import annotations

import pytest

from bot.conversation.standing import is_button_command, is_standing_payload
from bot.door import CommandDoor
from bot.entry import ConversationEntry
from bot.messages import Button, Message
from bot.rasa_client import RasaUnavailable

SENDER = "web:s1"
OFFER = Message("Bạn có muốn chuyển cho Tổ hỗ trợ không?", [Button("Có", "/affirm"), Button("Không", "/deny")])


class ScriptedRasa:
    """Records what reaches it and answers from a script: a list of messages, or an exception to raise."""

    def __init__(self, *answers: list[Message] | Exception) -> None:
        self.answers = list(answers)
        self.received: list[str] = []
        self.metadata: list[dict[str, str] | None] = []

    async def send(self, sender_id: str, text: str, metadata: dict[str, str] | None = None) -> list[Message]:
        self.received.append(text)
        self.metadata.append(metadata)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class Degraded:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def __call__(self, sender: str, text: str) -> list[Message]:
        self.calls.append((sender, text))
        return [Message("chế độ rút gọn", [Button("Câu 1", '/choose_entry{"entry_id":"e1"}')])]


def entry_for(rasa: ScriptedRasa, degraded: Degraded | None = None) -> ConversationEntry:
    return ConversationEntry(rasa, CommandDoor(is_standing_payload, is_button_command), degraded or Degraded())


async def test_a_payload_offered_in_a_reply_is_a_command_next_time():
    rasa = ScriptedRasa([OFFER], [Message("ok")], [Message("ok")])
    entry = entry_for(rasa)
    await entry.send(SENDER, "/affirm")  # not offered yet
    await entry.send(SENDER, "cho tôi hỏi")
    await entry.send(SENDER, "/affirm")
    assert rasa.received == ["affirm", "cho tôi hỏi", "/affirm"]


@pytest.mark.parametrize("failure", [RasaUnavailable("connection refused"), []])
async def test_when_rasa_cannot_answer_the_degraded_reply_is_sent(failure: list[Message] | Exception):
    degraded = Degraded()
    entry = entry_for(ScriptedRasa(failure, [Message("ok")]), degraded)
    reply = await entry.send(SENDER, "cách cài vneid")
    assert reply.degraded and reply.messages[0].text == "chế độ rút gọn"
    assert degraded.calls == [(SENDER, "cách cài vneid")]
    assert entry.door.was_offered(SENDER, '/choose_entry{"entry_id":"e1"}')  # its buttons work next time


async def test_a_pressed_button_is_forwarded_when_a_well_formed_button_command():
    rasa = ScriptedRasa(*([[Message("ok")]] * 4))
    entry = entry_for(rasa)
    await entry.send(SENDER, '/choose_entry{"entry_id":"e9"}', pressed=True)
    await entry.send(SENDER, '/inform{"commune": 3}', pressed=True)
    await entry.send(SENDER, "/restart", pressed=True)  # no button of the assistant sends it
    await entry.send(SENDER, "bỏ qua", pressed=True)
    assert rasa.received == ['/choose_entry{"entry_id":"e9"}', 'inform{"commune": 3}', "restart", "bỏ qua"]


async def test_a_reply_from_rasa_is_passed_as_it_is():
    entry = entry_for(ScriptedRasa([OFFER]))
    reply = await entry.send(SENDER, "xin chào")
    assert reply.messages == [OFFER] and not reply.degraded
