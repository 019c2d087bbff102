"""The Zalo channel passes citizens' messages through the command door like the web: typed "/…" text never
reaches the conversation engine as a command; a typed number sends the payload of the option offered."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.channels.zalo import texts
from bot.channels.zalo.handlers import ZaloHandlers
from bot.channels.zalo.updates import Incoming
from bot.conversation.standing import is_button_command, is_standing_payload
from bot.door import CommandDoor
from bot.entry import ConversationEntry
from bot.messages import Button, Message
from bot.ratelimit import ChatRateLimiter
from tests.channels.zalo.test_sender import sender_for
from tests.fake_zalo import FakeZalo
from tests.web.test_entry import Degraded, ScriptedRasa

CHAT = "3fb0d1c2a4e5f6a7b8c9"
OFFER = Message("Chuyển cho Tổ hỗ trợ?", [Button("Có", "/affirm"), Button("Không", "/deny")])


async def test_typed_commands_never_reach_rasa_and_numbers_pick_the_offered_payload(fake_zalo: FakeZalo,
                                                                                    engine: Engine):
    rasa = ScriptedRasa([OFFER], [Message("ok")], [Message("ok")])
    entry = ConversationEntry(rasa, CommandDoor(is_standing_payload, is_button_command), Degraded())
    handlers = ZaloHandlers(rasa, sender_for(fake_zalo, engine), engine, ChatRateLimiter(0), entry)  # type: ignore[arg-type]
    for text in ("có cần chuyển không", "/restart", ' /inform{"commune": "SL03"}', "1", "123456"):
        await handlers.handle(Incoming(chat_id=CHAT, kind="text", text=text))
    assert rasa.received == ["có cần chuyển không", "/affirm", "123456"]
    assert [m.text for m in fake_zalo.messages_to(CHAT)].count(texts.UNKNOWN_COMMAND) == 2
