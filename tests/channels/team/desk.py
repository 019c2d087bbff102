"""A harness for the team-group tests: the real channel application, in-process, against the fake Bot API
server and a real SQLite database, with a settable clock."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from telegram import Update
from telegram.ext import Application

from bot.channels.telegram.handlers import ChannelHandlers
from bot.channels.telegram.teamloop import TeamLoop, TeamRound
from bot.escalations.intake import EscalationRequest, submit_escalation
from bot.escalations.workflow import Workflow
from bot.retrieval.embedders import Embedder
from bot.settings import Settings
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.processes import free_port

TAN_LAP, HOA_BINH = "SL03", "SL02"
TAN_LAP_GROUP, HOA_BINH_GROUP = -1001000000103, -1001000000102
ICT_DEPARTMENT = -1001000000900
LAN, HUNG = "tanlap_lan", "tanlap_hung"  # members of Tân Lập's team (config/communes.yml)
TUAN = "hoabinh_tuan"  # a member of Hòa Bình's team
USER_IDS = {LAN: 7001, HUNG: 7002, TUAN: 7003}


def team_settings(fake: FakeTelegram, tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for the fake Bot API and a private SQLite database; Rasa is not running (a closed port)."""
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'team.db'}",
        "escalation_outbox_path": tmp_path / "outbox.jsonl",
        "pseudonym_key": "test-key",
        "telegram_bot_token": fake.token,
        "telegram_api_base_url": fake.root_url,
        "rasa_url": f"http://127.0.0.1:{free_port()}",
        "telegram_rate_limit_per_minute": 0,
        "degraded_answerer_wait_seconds": 0,
        **overrides,
    }
    return Settings(**values)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Desk:
    """The running application, its team handlers and the database behind them."""

    application: Application
    handlers: ChannelHandlers
    fake: FakeTelegram
    workflow: Workflow
    engine: Engine
    settings: Settings
    clock: Clock

    def __post_init__(self) -> None:
        self._update_ids = iter(range(1, 100_000))

    def escalate(self, chat_id: str, channel: str = "telegram", commune: str = TAN_LAP,
                 question: str = "Tôi quên mật khẩu VNeID, lấy lại thế nào?", embedder: Embedder | None = None) -> str:
        """A citizen's escalation, committed; returns its ticket code."""
        request = EscalationRequest(channel=channel, chat_id=chat_id, question=question,  # type: ignore[arg-type]
                                    transcript=[("citizen", question)], commune_code=commune, phone=None,
                                    consent=True, topic="dich_vu_cong")
        return submit_escalation(request, engine=self.engine, settings=self.settings, embedder=embedder)

    async def team_round(self) -> TeamRound:
        """One round of the channel's team job (notices, reminders, overdue notices)."""
        assert self.handlers.team is not None
        loop = TeamLoop(self.workflow, self.handlers.team.outbound.notifier())
        return await asyncio.to_thread(loop.run_once)

    async def feed(self, **update: Any) -> None:
        """Process one update to the end."""
        data = {"update_id": next(self._update_ids), **update}
        await self.application.process_update(Update.de_json(data, self.application.bot))

    def notice(self, code: str, chat_id: int = TAN_LAP_GROUP) -> SentMessage:
        """The team notice of ticket `code` in its group."""
        found = [m for m in self.fake.messages_to(chat_id)
                 if m.visible_text.startswith("📩") and m.visible_text.split("\n")[0].endswith(code)]
        assert len(found) == 1, [m.visible_text for m in self.fake.messages_to(chat_id)]
        return found[0]

    async def press(self, message: SentMessage, data: str, username: str | None) -> dict[str, Any]:
        """A member presses a button under `message`; returns the bot's answer to the press."""
        query = self.fake.callback_query(message, data, user_id=USER_IDS.get(username or "", 7999), username=username)
        await self.feed(callback_query=query)
        return self.answer_to(query["id"])

    def answer_to(self, query_id: str) -> dict[str, Any]:
        """The bot's answerCallbackQuery for `query_id`."""
        answers = [a for a in self.fake.callback_answers if a["callback_query_id"] == query_id]
        assert len(answers) == 1, self.fake.callback_answers
        return answers[0]

    async def say(self, text: str, username: str | None, chat_id: int = TAN_LAP_GROUP,
                  reply_to: SentMessage | None = None) -> list[SentMessage]:
        """A member writes in a group; returns what the bot sent to that group in response."""
        before = len(self.fake.messages_to(chat_id))
        message = self.fake.user_message(chat_id, text=text, chat_type="supergroup", reply_to=reply_to,
                                         user_id=USER_IDS.get(username or "", 7999), username=username)
        await self.feed(message=message)
        return self.fake.messages_to(chat_id)[before:]
