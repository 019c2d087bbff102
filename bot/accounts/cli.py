"""`trolyso user add|list|disable|passwd`: dashboard accounts from the command line.

The first ICT admin is created here; there is no default password. Passwords are typed at a hidden
prompt (twice), or read from standard input with `--password-stdin` for scripts.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from sqlalchemy import Engine

from bot.accounts.users import ROLES, TEAM_MEMBER, AccountError, create_user, disable_user, list_users, set_password
from bot.db import get_engine, migrate
from bot.province import load_province
from bot.settings import Settings

Command = Callable[[argparse.Namespace, Settings], int]


def _engine(settings: Settings) -> Engine:
    engine = get_engine(settings.database_url)
    migrate(engine)
    return engine


def read_password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu mới: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise AccountError("Hai lần nhập mật khẩu không khớp.")
    return first


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    """Create a user."""
    province = load_province(settings.communes_file)
    password = read_password(args.password_stdin)
    user = create_user(_engine(settings), province, args.username, password, args.role, display_name=args.name,
                       commune_code=args.commune, team_username=args.team_username)
    where = f" ({user.commune_code}, tổ: {user.team_username})" if user.role == TEAM_MEMBER else ""
    print(f"✓ đã tạo tài khoản {user.username}: {user.role}{where}")
    return 0


def cmd_list(_args: argparse.Namespace, settings: Settings) -> int:
    """Print every user."""
    users = list_users(_engine(settings))
    if not users:
        print("Chưa có tài khoản nào. Tạo quản trị viên đầu tiên: trolyso user add <tên> --role ict_admin")
        return 0
    print(f"{'tên đăng nhập':<24} {'vai trò':<12} {'xã':<6} {'trạng thái':<10} đăng nhập gần nhất")
    for user in users:
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if user.last_login_at else "chưa"
        state = "đã khoá" if user.disabled else "hoạt động"
        print(f"{user.username:<24} {user.role:<12} {user.commune_code or '-':<6} {state:<10} {last}")
    return 0


def cmd_disable(args: argparse.Namespace, settings: Settings) -> int:
    """Disable a user and end their sessions."""
    disable_user(_engine(settings), args.username)
    print(f"✓ đã khoá tài khoản {args.username}; các phiên đăng nhập của tài khoản này đã kết thúc")
    return 0


def cmd_passwd(args: argparse.Namespace, settings: Settings) -> int:
    """Set a user's password (re-enabling the account)."""
    set_password(_engine(settings), args.username, read_password(args.password_stdin))
    print(f"✓ đã đặt mật khẩu mới cho {args.username}")
    return 0


def _guarded(func: Command) -> Command:
    """`func` printing an AccountError as a one-line reason with exit code 1."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        try:
            return func(args, settings)
        except AccountError as error:
            print(f"✗ {error}", file=sys.stderr)
            return 1

    return run


def add_user_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `user add|list|disable|passwd` on the main parser."""
    user = commands.add_parser("user", help="dashboard accounts").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="create a dashboard account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--commune", help="commune code of a team member (e.g. SL03)")
    add.add_argument("--team-username", help="the member's username in config/communes.yml (default: username)")
    add.add_argument("--name", help="display name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(func=_guarded(cmd_add))
    user.add_parser("list", help="list the accounts").set_defaults(func=_guarded(cmd_list))
    disable = user.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("username")
    disable.set_defaults(func=_guarded(cmd_disable))
    passwd = user.add_parser("passwd", help="set a new password")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    passwd.set_defaults(func=_guarded(cmd_passwd))
