"""Every page for every role, commune boundaries for team members, and personal data kept masked."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import AuditLog
from tests.dashboard.helpers import abstained, escalate, post

PHONE = "0912345678"
CHAT_ID = "widget-secret-session-42"
TYPED_PHONE = "0987 654 321"


@pytest.fixture
def ticket(client: TestClient, settings) -> str:
    """An escalation of Tân Lập (SL03) with a phone number, and an abstained question quoting another one."""
    engine = client.app.state.dashboard.engine
    abstained(engine, settings, f"tôi gọi tổng đài {TYPED_PHONE} mãi không được, làm sổ đỏ online ở đâu")
    return escalate(engine, settings, f"sổ đỏ cấp lại online thế nào, gọi em số {TYPED_PHONE}", commune="SL03",
                    chat_id=CHAT_ID, phone=PHONE)


EXPECTED = {
    # path template: {username: status}; "→" means a redirect to that path
    "/dashboard/": {"admin": 200, "viewer": 200, "tanlap_lan": "→/dashboard/escalations"},
    "/dashboard/gaps": {"admin": 200, "viewer": 200, "tanlap_lan": 403},
    "/dashboard/drafts": {"admin": 200, "viewer": 403, "tanlap_lan": 403},
    "/dashboard/knowledge": {"admin": 200, "viewer": 200, "tanlap_lan": 200},
    "/dashboard/knowledge/bhyt-vssid-la-gi": {"admin": 200, "viewer": 200, "tanlap_lan": 200},
    "/dashboard/knowledge/khong-co-muc-nay": {"admin": 404, "viewer": 404, "tanlap_lan": 404},
    "/dashboard/escalations": {"admin": 200, "viewer": 403, "tanlap_lan": 200, "sonlam_huong": 200},
    "/dashboard/escalations/{ticket}": {"admin": 200, "viewer": 403, "tanlap_lan": 200, "sonlam_huong": 404},
    "/dashboard/exports": {"admin": 200, "viewer": 403, "tanlap_lan": 403},
    "/dashboard/exports/escalations.csv": {"admin": 200, "viewer": 403, "tanlap_lan": 403},
    "/dashboard/exports/gaps.xlsx": {"admin": 200, "viewer": 403, "tanlap_lan": 403},
}


@pytest.mark.parametrize("username", ["admin", "viewer", "tanlap_lan", "sonlam_huong"])
def test_each_role_reaches_exactly_its_pages(browser_for, ticket: str, username: str):
    client = browser_for(username)
    for template, expected_by_user in EXPECTED.items():
        if username not in expected_by_user:
            continue
        expected = expected_by_user[username]
        response = client.get(template.format(ticket=ticket), follow_redirects=False)
        if isinstance(expected, str):
            assert (response.status_code, response.headers["location"]) == (303, expected[1:]), template
        else:
            assert response.status_code == expected, (template, response.text[:300])
            if expected in (403, 404):
                assert "không" in response.text.lower()  # a Vietnamese reason, not a stack trace


def test_only_admins_may_post_admin_actions(browser_for, ticket: str):
    for username in ("viewer", "tanlap_lan"):
        client = browser_for(username)
        assert post(client, "/dashboard/knowledge/bhyt-vssid-la-gi/reviewed").status_code == 403
        assert post(client, "/dashboard/gaps/dismiss", {"key": "x", "reason": "thử"}).status_code == 403
        assert post(client, "/dashboard/drafts/1/dismiss", {"reason": "thử"}).status_code == 403


def test_the_navigation_lists_only_the_pages_of_the_role(browser_for, users):
    def menu(client, path: str) -> str:
        html = client.get(path).text
        return html[html.index('<nav class="menu"'):html.index("</nav>")]

    viewer = menu(browser_for("viewer"), "/dashboard/")
    assert 'href="/dashboard/"' in viewer and 'href="/dashboard/gaps"' in viewer
    assert all(f'href="/dashboard/{page}"' not in viewer for page in ("exports", "escalations", "drafts"))
    member = menu(browser_for("tanlap_lan"), "/dashboard/escalations")
    assert 'href="/dashboard/escalations"' in member and 'href="/dashboard/knowledge"' in member
    assert all(f'href="/dashboard/{page}"' not in member for page in ("", "gaps", "exports", "drafts"))


def _no_personal_data(text: str) -> None:
    assert PHONE not in text and TYPED_PHONE not in text and TYPED_PHONE.replace(" ", "") not in text
    assert CHAT_ID not in text


def test_viewers_see_no_personal_data(browser_for, ticket: str):
    client = browser_for("viewer")
    for path in ("/dashboard/", "/dashboard/gaps", "/dashboard/knowledge"):
        response = client.get(path)
        assert response.status_code == 200
        _no_personal_data(response.text)
    assert "098****321" in client.get("/dashboard/gaps").text  # the question is shown, its number masked


def test_admins_see_tickets_masked_and_cannot_reveal_the_phone(browser_for, ticket: str):
    client = browser_for("admin")
    for path in ("/dashboard/escalations", f"/dashboard/escalations/{ticket}", "/dashboard/gaps"):
        _no_personal_data(client.get(path).text)
    assert "091****678" in client.get(f"/dashboard/escalations/{ticket}").text
    assert post(client, f"/dashboard/escalations/{ticket}/phone").status_code == 403
    csv = client.get("/dashboard/exports/escalations.csv", params={"since": "30d"}).content.decode("utf-8-sig")
    assert ticket in csv and "091****678" in csv
    _no_personal_data(csv)


def test_only_the_assigned_member_sees_the_full_phone_and_each_view_is_audited(browser_for, ticket: str):
    lan, hung, huong = browser_for("tanlap_lan"), browser_for("tanlap_hung"), browser_for("sonlam_huong")
    page = lan.get(f"/dashboard/escalations/{ticket}").text
    _no_personal_data(page)
    assert "Hiện số đầy đủ" not in page  # not claimed yet: nobody is assigned
    assert post(lan, f"/dashboard/escalations/{ticket}/phone").status_code == 403
    post(lan, f"/dashboard/escalations/{ticket}/claim")
    assert "Hiện số đầy đủ" in lan.get(f"/dashboard/escalations/{ticket}").text
    shown = post(lan, f"/dashboard/escalations/{ticket}/phone")
    assert shown.status_code == 200 and PHONE in shown.text and CHAT_ID not in shown.text
    assert post(hung, f"/dashboard/escalations/{ticket}/phone").status_code == 403  # same team, not assigned
    assert post(huong, f"/dashboard/escalations/{ticket}/phone").status_code == 404  # another commune
    with Session(lan.app.state.dashboard.engine) as session:
        views = session.scalars(select(AuditLog).where(AuditLog.action == "view_phone")).all()
    assert [(v.actor, v.ticket_code) for v in views] == [("tanlap_lan", ticket)]
