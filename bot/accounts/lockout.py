"""Signing in, with a lockout after repeated failures per username and per client address.

Attempts are kept in the database, so the limit holds across gateway processes and restarts. After
`DASHBOARD_LOGIN_MAX_FAILURES` failures for one username (or `DASHBOARD_LOGIN_IP_MAX_FAILURES` from one
address) within `DASHBOARD_LOCKOUT_MINUTES`, sign-ins are refused until that many minutes after the last
failure; a successful sign-in clears the username's count (not the address's). Refused attempts are not
counted, so a locked account opens again on time even while someone keeps trying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.accounts.users import UserInfo, normalize_username, password_matches
from bot.limits import USERNAME_CHARS
from bot.models import LoginAttempt, User
from bot.settings import Settings

KEEP_ATTEMPTS = timedelta(days=1)
"""Attempts older than this (and than the lockout window) are deleted at each successful sign-in."""


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a sign-in: the user, or None; `locked_until` is set while locked out."""

    user: UserInfo | None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the user is signed in."""
        return self.user is not None


def _failures_since(session: Session, column: InstrumentedAttribute[str], value: str, since: datetime,
                    reset_by_success: bool) -> tuple[int, datetime | None]:
    """(failures, newest failure) for `column == value` after `since` (and after the last success, if asked)."""
    last_success = session.scalar(select(func.max(LoginAttempt.created_at)).where(
        column == value, LoginAttempt.succeeded.is_(True))) if reset_by_success else None
    start = max(since, last_success) if last_success else since
    count, newest = session.execute(select(func.count(), func.max(LoginAttempt.created_at)).where(
        column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at > start)).one()
    return int(count), newest


def locked_until(session: Session, settings: Settings, username: str, client_ip: str, now: datetime) -> datetime | None:
    """When the lockout of this username or address ends, or None when sign-in is allowed now."""
    window = timedelta(minutes=settings.dashboard_lockout_minutes)
    checks = ((LoginAttempt.username, username, settings.dashboard_login_max_failures, True),
              (LoginAttempt.client_ip, client_ip, settings.dashboard_login_ip_max_failures, False))
    ends = []
    for column, value, limit, reset_by_success in checks:
        failures, newest = _failures_since(session, column, value, now - window, reset_by_success)
        if failures >= limit and newest is not None:
            ends.append(newest + window)
    return max(ends) if ends else None


def sign_in(engine: Engine, settings: Settings, username: str, password: str, client_ip: str,
            now: datetime) -> LoginResult:
    """Check a username and password, unless locked out; every checked attempt is recorded."""
    username = normalize_username(username)[:USERNAME_CHARS]
    client_ip = client_ip[:64]
    with Session(engine) as session:
        until = locked_until(session, settings, username, client_ip, now)
        if until is not None:
            return LoginResult(None, until)
        row = session.scalar(select(User).where(User.username == username)) if username else None
        ok = password_matches(row.password_hash if row else None, password) and row is not None and not row.disabled
        session.add(LoginAttempt(username=username, client_ip=client_ip, succeeded=ok, created_at=now))
        if ok and row is not None:
            row.last_login_at = now
            keep = max(KEEP_ATTEMPTS, timedelta(minutes=settings.dashboard_lockout_minutes))
            session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < now - keep))
        session.commit()
        return LoginResult(UserInfo.of(row) if ok and row is not None else None)
