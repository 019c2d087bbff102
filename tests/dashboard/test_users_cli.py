"""`trolyso user add|list|disable|passwd`: the first admin comes from the command line, never a default."""

from __future__ import annotations

import io

import pytest

from bot.accounts.lockout import sign_in
from bot.accounts.users import list_users
from bot.cli import main
from bot.db import make_engine
from bot.models import utcnow
from bot.settings import Settings, get_settings


@pytest.fixture
def cli_settings(tmp_path, monkeypatch) -> Settings:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield Settings(database_url=url)
    get_settings.cache_clear()


def run(monkeypatch, capsys, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_add_list_disable_and_reset_a_password(cli_settings, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, ["user", "list"])
    assert code == 0 and "Chưa có tài khoản nào" in out
    code, out, _ = run(monkeypatch, capsys, ["user", "add", "So.TTTT", "--role", "ict_admin", "--name", "Sở TTTT",
                                             "--password-stdin"], "một mật khẩu rất dài\n")
    assert code == 0 and "so.tttt" in out
    code, _, _ = run(monkeypatch, capsys, ["user", "add", "tanlap_lan", "--role", "team_member", "--commune", "SL03",
                                           "--password-stdin"], "mật khẩu của tổ xã\n")
    assert code == 0
    code, out, _ = run(monkeypatch, capsys, ["user", "list"])
    assert "so.tttt" in out and "tanlap_lan" in out and "SL03" in out and "hoạt động" in out
    engine = make_engine(cli_settings.database_url)
    stored = {u.username: u for u in list_users(engine)}
    assert stored["tanlap_lan"].team_username == "tanlap_lan" and stored["so.tttt"].display_name == "Sở TTTT"
    assert sign_in(engine, cli_settings, "so.tttt", "một mật khẩu rất dài", "127.0.0.1", utcnow()).ok

    assert run(monkeypatch, capsys, ["user", "disable", "so.tttt"])[0] == 0
    assert not sign_in(engine, cli_settings, "so.tttt", "một mật khẩu rất dài", "127.0.0.1", utcnow()).ok
    assert "đã khoá" in run(monkeypatch, capsys, ["user", "list"])[1]
    assert run(monkeypatch, capsys, ["user", "passwd", "so.tttt", "--password-stdin"], "mật khẩu mới dài hơn\n")[0] == 0
    assert sign_in(engine, cli_settings, "so.tttt", "mật khẩu mới dài hơn", "127.0.0.2", utcnow()).ok


@pytest.mark.parametrize(("argv", "stdin", "reason"), [
    (["user", "add", "admin", "--role", "ict_admin", "--password-stdin"], "ngan\n", "ít nhất 10 ký tự"),
    (["user", "add", "x y", "--role", "viewer", "--password-stdin"], "mật khẩu đủ dài\n", "Tên đăng nhập gồm"),
    (["user", "add", "la", "--role", "team_member", "--password-stdin"], "mật khẩu đủ dài\n", "cần mã xã"),
    (["user", "add", "nguoi_la", "--role", "team_member", "--commune", "SL03", "--password-stdin"],
     "mật khẩu đủ dài\n", "chưa có trong danh sách thành viên tổ"),
    (["user", "disable", "khong_co"], "", "Không có tài khoản"),
])
def test_bad_requests_get_a_one_line_reason(cli_settings, monkeypatch, capsys, argv, stdin, reason):
    code, _, err = run(monkeypatch, capsys, argv, stdin)
    assert code == 1 and reason in err and "Traceback" not in err


def test_a_username_is_taken_once_and_prompted_passwords_must_match(cli_settings, monkeypatch, capsys):
    assert run(monkeypatch, capsys, ["user", "add", "viewer1", "--role", "viewer", "--password-stdin"],
               "mật khẩu đủ dài\n")[0] == 0
    code, _, err = run(monkeypatch, capsys, ["user", "add", "VIEWER1", "--role", "viewer", "--password-stdin"],
                       "mật khẩu khác đủ dài\n")
    assert code == 1 and "đã có" in err
    answers = iter(["mật khẩu gõ lần một", "mật khẩu gõ lần hai"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = run(monkeypatch, capsys, ["user", "add", "viewer2", "--role", "viewer"])
    assert code == 1 and "không khớp" in err
