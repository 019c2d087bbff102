"""What the dashboard's routes share in one gateway process (kept in `app.state.dashboard`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine

from bot.escalations.communes import Province, load_province
from bot.escalations.notify import Notifier
from bot.escalations.workflow import Workflow
from bot.gaps.service import GapService
from bot.knowledge.snapshot import KnowledgeSnapshot
from bot.localtime import local_day
from bot.models import utcnow
from bot.settings import Settings
from bot.web.dashboard.delivery import citizen_notifier


@dataclass
class DashboardServices:
    """Database, province, knowledge files, gap reports, the escalation workflow and the citizen notifier."""

    settings: Settings
    engine: Engine
    province: Province
    knowledge: KnowledgeSnapshot
    gaps: GapService
    workflow: Workflow
    notifier: Notifier | None = None
    """Created on first use, on the gateway's event loop (see `citizen_notifier`)."""
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def create(cls, settings: Settings, engine: Engine) -> DashboardServices:
        """The services for `settings` (nothing is loaded before it is needed)."""
        province = load_province(settings.communes_file)
        knowledge = KnowledgeSnapshot(settings.knowledge_dir)
        return cls(settings, engine, province, knowledge, GapService(settings, engine, knowledge),
                   Workflow(engine, settings, province))

    def notifier_on(self, loop: asyncio.AbstractEventLoop) -> Notifier:
        """The notifier that delivers answers to citizens, created for `loop` the first time."""
        if self.notifier is None:
            self.notifier = citizen_notifier(self.settings, self.engine, loop)
        return self.notifier

    def today(self) -> date:
        """Today in Vietnam, by the dashboard's clock."""
        return local_day(self.clock())
