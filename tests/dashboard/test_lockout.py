"""Lockout after repeated failed sign-ins, per username and per client address, and its end."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from bot.accounts.lockout import sign_in
from tests.dashboard.helpers import PASSWORD, login


def test_five_failures_lock_the_username_even_for_the_right_password_until_the_window_passes(client: TestClient,
                                                                                             users):
    settings = client.app.state.dashboard.settings
    clock = client.app.state.dashboard.clock
    for _ in range(settings.dashboard_login_max_failures):
        assert login(client, "admin", "đoán mò").status_code == 401
    locked = login(client, "admin")
    assert locked.status_code == 429
    assert "tạm bị khoá" in locked.text
    clock.now += timedelta(minutes=settings.dashboard_lockout_minutes - 1)
    assert login(client, "admin").status_code == 429
    clock.now += timedelta(minutes=1, seconds=1)
    assert login(client, "admin").status_code == 303


def test_refused_attempts_while_locked_do_not_extend_the_lockout(client: TestClient, users):
    settings = client.app.state.dashboard.settings
    clock = client.app.state.dashboard.clock
    for _ in range(settings.dashboard_login_max_failures):
        login(client, "viewer", "sai")
    for _ in range(3):
        clock.now += timedelta(minutes=4)
        assert login(client, "viewer", "sai tiếp").status_code == 429
    clock.now += timedelta(minutes=settings.dashboard_lockout_minutes - 12, seconds=1)
    assert login(client, "viewer").status_code == 303


def test_a_success_clears_the_username_count(client: TestClient, users):
    settings = client.app.state.dashboard.settings
    for _ in range(settings.dashboard_login_max_failures - 1):
        login(client, "admin", "sai")
    assert login(client, "admin").status_code == 303
    client.cookies.clear()
    for _ in range(settings.dashboard_login_max_failures - 1):
        assert login(client, "admin", "sai").status_code == 401
    assert login(client, "admin").status_code == 303


def test_one_address_trying_many_usernames_is_locked_but_others_are_not(client: TestClient, users):
    services = client.app.state.dashboard
    settings, now = services.settings, services.clock()
    for number in range(settings.dashboard_login_ip_max_failures):
        assert not sign_in(services.engine, settings, f"khach{number}", "sai", "203.0.113.9", now).ok
    from_attacker = sign_in(services.engine, settings, "admin", PASSWORD, "203.0.113.9", now)
    assert not from_attacker.ok and from_attacker.locked_until is not None
    elsewhere = sign_in(services.engine, settings, "admin", PASSWORD, "198.51.100.7", now)
    assert elsewhere.ok and elsewhere.user.username == "admin"
    later = now + timedelta(minutes=settings.dashboard_lockout_minutes, seconds=1)
    assert sign_in(services.engine, settings, "admin", PASSWORD, "203.0.113.9", later).ok


def test_a_disabled_account_cannot_sign_in_and_its_attempts_count(client: TestClient, users):
    from bot.accounts.users import disable_user

    services = client.app.state.dashboard
    disable_user(services.engine, "viewer")
    result = sign_in(services.engine, services.settings, "viewer", PASSWORD, "127.0.0.1", services.clock())
    assert not result.ok and result.locked_until is None
