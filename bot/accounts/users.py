"""Dashboard users: roles, argon2 password hashes, creation, listing, disabling and password changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from bot.db import rows_affected
from bot.limits import PASSWORD_MIN_CHARS
from bot.models import AuditLog, User
from bot.province import Province

ICT_ADMIN, TEAM_MEMBER, VIEWER = "ict_admin", "team_member", "viewer"
ROLES = (ICT_ADMIN, TEAM_MEMBER, VIEWER)
ROLE_LABELS = {ICT_ADMIN: "Cán bộ Sở, quản trị", TEAM_MEMBER: "Thành viên Tổ công nghệ số", VIEWER: "Người xem"}
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.\-]{1,63}$")

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("a password nobody has")
"""Verified against when the username is unknown, so that both cases take the same time."""


class AccountError(ValueError):
    """A user account request that cannot be carried out; the message says why (in Vietnamese)."""


@dataclass(frozen=True)
class UserInfo:
    """A user as the dashboard sees them (never with the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    commune_code: str | None
    team_username: str | None
    disabled: bool
    session_version: int
    last_login_at: datetime | None

    @classmethod
    def of(cls, row: User) -> UserInfo:
        """The info of a database row."""
        return cls(row.id, row.username, row.display_name, row.role, row.commune_code, row.team_username,
                   row.disabled, row.session_version, row.last_login_at)


def hash_password(password: str) -> str:
    """The argon2id hash of `password`; AccountError when it is too short."""
    if len(password) < PASSWORD_MIN_CHARS:
        raise AccountError(f"Mật khẩu cần ít nhất {PASSWORD_MIN_CHARS} ký tự.")
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """True when `password` matches the hash; an unknown user (None) costs one verification too."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def normalize_username(username: str) -> str:
    """The stored form of a username (trimmed, lower case)."""
    return username.strip().lower()


def _audit(session: Session, actor: str, action: str, username: str, **detail: object) -> None:
    session.add(AuditLog(actor=actor, action=action, detail={"username": username, **detail}))


def create_user(engine: Engine, province: Province, username: str, password: str, role: str,
                display_name: str | None = None, commune_code: str | None = None,
                team_username: str | None = None, actor: str = "cli") -> UserInfo:
    """Create a user; AccountError for a bad username, role, commune, team membership or password.

    A team member needs a commune, and must be listed in that commune's team in the configuration
    (`team_username`, default their username): the escalation workflow acts in that name.
    """
    username = normalize_username(username)
    if not USERNAME_PATTERN.match(username):
        raise AccountError("Tên đăng nhập gồm 2–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang.")
    if role not in ROLES:
        raise AccountError(f"Vai trò phải là một trong: {', '.join(ROLES)}.")
    if role == TEAM_MEMBER:
        commune = province.commune(commune_code or "")
        if commune is None:
            raise AccountError("Thành viên tổ cần mã xã/phường có trong tệp cấu hình (ví dụ SL03).")
        team_username = (team_username or username).lstrip("@")
        if commune.team.member(team_username) is None:
            raise AccountError(f"'{team_username}' chưa có trong danh sách thành viên tổ của {commune.name}.")
    else:
        commune_code = team_username = None
    password_hash = hash_password(password)
    with Session(engine) as session:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise AccountError(f"Tên đăng nhập '{username}' đã có.")
        row = User(username=username, display_name=(display_name or username).strip(), password_hash=password_hash,
                   role=role, commune_code=commune_code, team_username=team_username)
        session.add(row)
        _audit(session, actor, "user_add", username, role=role, commune_code=commune_code)
        session.commit()
        return UserInfo.of(row)


def list_users(engine: Engine) -> list[UserInfo]:
    """Every user, by username."""
    with Session(engine) as session:
        return [UserInfo.of(row) for row in session.scalars(select(User).order_by(User.username))]


def get_user(engine: Engine, user_id: int) -> UserInfo | None:
    """The user with this id, if any."""
    with Session(engine) as session:
        row = session.get(User, user_id)
        return UserInfo.of(row) if row else None


def _change(engine: Engine, username: str, actor: str, action: str, **values: object) -> None:
    username = normalize_username(username)
    with Session(engine) as session:
        changed = rows_affected(session.execute(update(User).where(User.username == username).values(
            session_version=User.session_version + 1, **values)))
        if not changed:
            raise AccountError(f"Không có tài khoản '{username}'.")
        _audit(session, actor, action, username)
        session.commit()


def disable_user(engine: Engine, username: str, actor: str = "cli") -> None:
    """Disable a user: they cannot sign in any more and their open sessions end."""
    _change(engine, username, actor, "user_disable", disabled=True)


def set_password(engine: Engine, username: str, password: str, actor: str = "cli") -> None:
    """Set a new password (and enable the account); the user's open sessions end."""
    _change(engine, username, actor, "user_password", password_hash=hash_password(password), disabled=False)
