"""What the dashboard's routes share in one gateway process (kept in `app.state.dashboard`), and the typed
FastAPI dependencies that give it to them (`Services`, `CitizenNotifier`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from bot.delivery import Notifier
from bot.escalations.workflow import Workflow
from bot.gaps.reporter import GapReporter
from bot.knowledge.folder import KnowledgeFolder
from bot.localtime import local_day
from bot.models import utcnow
from bot.province import Province, load_province
from bot.settings import Settings

NotifierFactory = Callable[[asyncio.AbstractEventLoop], Notifier]
"""Builds the notifier that delivers answers to citizens, for the gateway's event loop."""


@dataclass
class DashboardServices:
    """Database, province, knowledge files, gap reports, the escalation workflow and the citizen notifier."""

    settings: Settings
    engine: Engine
    province: Province
    knowledge: KnowledgeFolder
    gaps: GapReporter
    workflow: Workflow
    notifier_factory: NotifierFactory
    notifier: Notifier | None = None
    """Created on first use, on the gateway's event loop (see `citizen_notifier`)."""
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def create(cls, settings: Settings, engine: Engine, notifier_factory: NotifierFactory) -> DashboardServices:
        """The services for `settings` (nothing is loaded before it is needed)."""
        province = load_province(settings.communes_file)
        knowledge = KnowledgeFolder(settings.knowledge_dir)
        return cls(settings, engine, province, knowledge, GapReporter(settings, engine, knowledge),
                   Workflow(engine, settings, province), notifier_factory)

    def notifier_on(self, loop: asyncio.AbstractEventLoop) -> Notifier:
        """The notifier that delivers answers to citizens, created for `loop` the first time."""
        if self.notifier is None:
            self.notifier = self.notifier_factory(loop)
        return self.notifier

    def today(self) -> date:
        """Today in Vietnam, by the dashboard's clock."""
        return local_day(self.clock())


def dashboard_services(request: Request) -> DashboardServices:
    """The services `bot.web.dashboard.install_dashboard` put in `app.state.dashboard`."""
    services: DashboardServices = request.app.state.dashboard
    return services


async def citizen_notifier(services: Annotated[DashboardServices, Depends(dashboard_services)]) -> Notifier:
    """The citizen notifier, created on the gateway's event loop (where its Telegram sends run)."""
    return services.notifier_on(asyncio.get_running_loop())


Services = Annotated[DashboardServices, Depends(dashboard_services)]
CitizenNotifier = Annotated[Notifier, Depends(citizen_notifier)]
