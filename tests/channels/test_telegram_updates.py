"""Updates of one chat in order, different chats concurrently."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.channels.telegram.updates import PerChatUpdateProcessor
from tests.fake_telegram import FakeTelegram

fake = FakeTelegram()  # only used to build updates, never started


def update_in(chat_id: int, text: str) -> Update:
    return Update.de_json({"update_id": 1, "message": fake.user_message(chat_id, text=text)})


async def test_one_chat_in_order_other_chats_meanwhile():
    processor = PerChatUpdateProcessor(max_concurrent_updates=8)
    log: list[str] = []
    first_started = asyncio.Event()
    release_first = asyncio.Event()

    async def slow(name: str) -> None:
        log.append(f"{name} start")
        first_started.set()
        await release_first.wait()
        log.append(f"{name} end")

    async def quick(name: str) -> None:
        log.append(name)

    async with processor:
        first = asyncio.create_task(processor.process_update(update_in(1, "a"), slow("chat1-a")))
        await first_started.wait()
        second = asyncio.create_task(processor.process_update(update_in(1, "b"), quick("chat1-b")))
        other = asyncio.create_task(processor.process_update(update_in(2, "c"), quick("chat2-c")))
        await other
        await asyncio.sleep(0.01)
        assert log == ["chat1-a start", "chat2-c"]  # chat 2 was not held up; chat 1's second message waits
        release_first.set()
        await asyncio.gather(first, second)
    assert log == ["chat1-a start", "chat2-c", "chat1-a end", "chat1-b"]
    assert processor._locks == {}  # no lock kept for idle chats
