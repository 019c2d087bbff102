"""Signing in and out, session cookies, CSRF, and sessions ending when an account is disabled."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.accounts.users import disable_user, set_password
from bot.gateway import create_app
from tests.dashboard.helpers import PASSWORD, csrf, login, post

PAGES = ["/dashboard/", "/dashboard/gaps", "/dashboard/drafts", "/dashboard/knowledge",
         "/dashboard/knowledge/bhyt-vssid-la-gi", "/dashboard/escalations", "/dashboard/escalations/TL-ABCDE",
         "/dashboard/exports", "/dashboard/exports/gaps.csv", "/dashboard/drafts/1"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_an_anonymous_visitor_to_the_login_page(client: TestClient, path: str):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/dashboard/login?next=/dashboard/")


def test_login_page_is_vietnamese_and_sets_a_strict_session_cookie(client: TestClient):
    response = client.get("/dashboard/login")
    assert response.status_code == 200
    assert "Đăng nhập" in response.text and 'lang="vi"' in response.text
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("trolyso_dashboard=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/dashboard" in cookie
    assert "secure" not in cookie  # plain http in tests; see the next test for https
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def test_session_cookie_is_secure_when_served_over_https(settings):
    with TestClient(create_app(settings.model_copy(update={"dashboard_secure_cookies": True}))) as client:
        assert "; secure" in client.get("/dashboard/login").headers["set-cookie"].lower()


def test_login_then_logout(client: TestClient, users):
    response = login(client, "admin")
    assert response.status_code == 303 and response.headers["location"] == "/dashboard/"
    page = client.get("/dashboard/")
    assert page.status_code == 200 and "Tổng quan" in page.text and "Đăng xuất" in page.text
    assert post(client, "/dashboard/logout", token_page="/dashboard/").status_code == 303
    assert client.get("/dashboard/", follow_redirects=False).status_code == 303


def test_wrong_password_and_unknown_user_get_the_same_answer(client: TestClient, users):
    wrong = login(client, "admin", "not the password")
    unknown = login(client, "nobody", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in wrong.text
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in unknown.text


def test_a_team_member_starts_at_the_queue_and_next_is_kept_within_the_dashboard(client: TestClient, users):
    assert login(client, "tanlap_lan").headers["location"] == "/dashboard/escalations"
    client.cookies.clear()
    token = csrf(client)
    for target, expected in [("/dashboard/knowledge?q=vneid", "/dashboard/knowledge?q=vneid"),
                             ("https://evil.example/", "/dashboard/"), ("//evil.example/x", "/dashboard/"),
                             ("/dashboard/../../etc", "/dashboard/../../etc")]:
        response = client.post("/dashboard/login", data={"username": "admin", "password": PASSWORD,
                                                          "csrf_token": token, "next": target},
                               follow_redirects=False)
        assert response.headers["location"] == expected
        token = csrf(client, "/dashboard/knowledge")


def test_login_without_or_with_a_wrong_csrf_token_is_refused(client: TestClient, users):
    client.get("/dashboard/login")
    missing = client.post("/dashboard/login", data={"username": "admin", "password": PASSWORD})
    wrong = client.post("/dashboard/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "x" * 43})
    assert missing.status_code == wrong.status_code == 403
    assert "Biểu mẫu đã hết hạn" in missing.text
    assert client.get("/dashboard/", follow_redirects=False).status_code == 303


def test_csrf_token_missing_on_a_signed_in_form_is_refused(client: TestClient, users):
    login(client, "admin")
    response = client.post("/dashboard/knowledge/bhyt-vssid-la-gi/reviewed", data={}, follow_redirects=False)
    assert response.status_code == 403
    other_session = TestClient(client.app)
    login(other_session, "admin")
    stolen = csrf(other_session, "/dashboard/knowledge")
    assert post(client, "/dashboard/logout", token_page="/dashboard/").status_code == 303  # own token works
    login(client, "admin")
    crossed = client.post("/dashboard/knowledge/bhyt-vssid-la-gi/reviewed", data={"csrf_token": stolen})
    assert crossed.status_code == 403  # another session's token is not this session's


def test_disabling_an_account_ends_its_open_sessions(client: TestClient, users):
    login(client, "viewer")
    assert client.get("/dashboard/").status_code == 200
    disable_user(client.app.state.dashboard.engine, "viewer")
    assert client.get("/dashboard/", follow_redirects=False).status_code == 303
    assert login(client, "viewer").status_code == 401


def test_a_new_password_ends_sessions_and_reenables(client: TestClient, users):
    login(client, "viewer")
    engine = client.app.state.dashboard.engine
    disable_user(engine, "viewer")
    set_password(engine, "viewer", "một mật khẩu mới dài")
    assert client.get("/dashboard/", follow_redirects=False).status_code == 303
    assert login(client, "viewer", PASSWORD).status_code == 401
    assert login(client, "viewer", "một mật khẩu mới dài").status_code == 303


def test_a_tampered_session_cookie_is_ignored(client: TestClient, users):
    login(client, "admin")
    value = client.cookies.get("trolyso_dashboard")
    client.cookies.clear()
    client.cookies.set("trolyso_dashboard", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"),
                       path="/dashboard")
    assert client.get("/dashboard/", follow_redirects=False).status_code == 303
