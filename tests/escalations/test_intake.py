"""Submitting escalations and asking for their status."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.escalations import persist
from bot.escalations.intake import escalation_status, submit_escalation
from bot.models import Escalation, EscalationContact
from bot.settings import Settings
from tests.escalations.helpers import request


def test_submit_commits_and_returns_a_ticket_code(engine: Engine, settings: Settings) -> None:
    code = submit_escalation(request(phone="0912 345 678", consent=True), engine=engine, settings=settings)
    assert code.startswith("TL-") and len(code) == 8
    with Session(engine) as session:
        row = session.scalar(select(Escalation).where(Escalation.ticket_code == code))
        assert (row.status, row.commune_code, row.channel, row.source) == ("open", "SL03", "web", "direct")
        assert row.phone_masked == "091****678"
        assert row.transcript[0] == ["citizen", "VNeID báo lỗi không đăng nhập được"]
        assert session.scalar(select(EscalationContact.phone).where(EscalationContact.escalation_id == row.id)) \
            == "0912345678"


def test_without_consent_no_phone_is_kept(engine: Engine, settings: Settings) -> None:
    code = submit_escalation(request(phone="0912345678", consent=False), engine=engine, settings=settings)
    with Session(engine) as session:
        assert session.scalar(select(Escalation.phone_masked).where(Escalation.ticket_code == code)) is None
        assert session.scalar(select(func.count()).select_from(EscalationContact)) == 0


@pytest.mark.parametrize(
    ("changes", "reason"),
    [({"commune": "XX99"}, "commune"), ({"question": "   "}, "empty"), ({"channel": "sms"}, "channel")],
)
def test_unusable_requests_are_refused(engine: Engine, settings: Settings, changes: dict, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        submit_escalation(request(**changes), engine=engine, settings=settings)


def test_a_taken_ticket_code_is_replaced(engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    first = submit_escalation(request(), engine=engine, settings=settings)
    codes = iter([first, "TL-22222"])
    monkeypatch.setattr("bot.escalations.intake.new_ticket_code", lambda: next(codes))
    monkeypatch.setattr(persist, "new_ticket_code", lambda: next(codes))
    second = submit_escalation(request(chat_id="s-2"), engine=engine, settings=settings)
    assert second == "TL-22222"
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Escalation)) == 2


def test_status_query_accepts_a_loosely_typed_code(engine: Engine, settings: Settings) -> None:
    code = submit_escalation(request(), engine=engine, settings=settings)
    typed = f"phieu {code.lower().replace('-', ' ')} the nao roi"
    view = escalation_status(typed, engine=engine, settings=settings)
    assert (view.ticket_code, view.status, view.commune_name, view.answer) == (code, "open", "Xã Tân Lập", None)
    assert escalation_status("TL-ZZZZZ", engine=engine, settings=settings) is None
    assert escalation_status("khong co ma", engine=engine, settings=settings) is None
