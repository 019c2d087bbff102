"""Injection strings in searches and forms stay inert text; error pages never leak internals."""

from __future__ import annotations

from fastapi.testclient import TestClient
from markupsafe import escape

from bot.knowledge.store import load_knowledge
from tests.dashboard.helpers import abstained, escalate, login, post

SCRIPT = '<script>alert("xss")</script>'
ATTRIBUTE = '" onmouseover="alert(1)'
SQL = "' OR 1=1; DROP TABLE users; --"


def test_search_with_html_and_sql_is_escaped_and_matches_nothing(client: TestClient, browser_for):
    admin = browser_for("admin")
    for query in (SCRIPT, ATTRIBUTE, SQL, "vneid' --", "%", "_"):
        response = admin.get("/dashboard/knowledge", params={"q": query})
        assert response.status_code == 200
        assert SCRIPT not in response.text and 'onmouseover="alert' not in response.text
        assert escape(query) in response.text or not query.strip("%_")
    assert "0 mục" in admin.get("/dashboard/knowledge", params={"q": SQL}).text
    assert admin.get("/dashboard/").status_code == 200  # the users table is still there


def test_login_with_injection_strings_is_a_plain_failure(client: TestClient, users):
    for username in (SQL, SCRIPT, "admin'--", "a" * 5000):
        response = login(client, username, SQL)
        assert response.status_code == 401
        assert SCRIPT not in response.text


def test_citizen_text_with_markup_is_shown_as_text_everywhere(client: TestClient, settings, browser_for):
    engine = client.app.state.dashboard.engine
    abstained(engine, settings, f"chu ky so {SCRIPT} o dau", f"chữ ký số {ATTRIBUTE} đăng ký thế nào")
    code = escalate(engine, settings, f"sổ đỏ {SCRIPT}")
    admin = browser_for("admin")
    for path in ("/dashboard/gaps", "/dashboard/escalations", f"/dashboard/escalations/{code}"):
        text = admin.get(path).text
        assert SCRIPT not in text and 'onmouseover="alert' not in text
        assert escape(SCRIPT) in text
    lan = browser_for("tanlap_lan")
    post(lan, f"/dashboard/escalations/{code}/answer", {"text": f"Trả lời {SCRIPT}"})
    assert escape(SCRIPT) in lan.get(f"/dashboard/escalations/{code}").text


def test_markup_in_an_edited_answer_is_stored_as_text_and_escaped(client: TestClient, browser_for, knowledge_dir):
    admin = browser_for("admin")
    entry = next(e.entry for e in load_knowledge(knowledge_dir).entries if e.entry.id == "bhyt-vssid-la-gi")
    path = "/dashboard/knowledge/bhyt-vssid-la-gi"
    form = {"question": entry.question, "alternates": "\n".join(entry.alternates), "source_url": entry.source_url,
            "answer": f"{entry.answer}\n{SCRIPT} {SQL}"}
    assert post(admin, path, form, token_page=path).status_code == 303
    page = admin.get(path).text
    assert SCRIPT not in page and escape(SCRIPT) in page
    saved = next(e.entry for e in load_knowledge(knowledge_dir).entries if e.entry.id == "bhyt-vssid-la-gi")
    assert saved.answer.endswith(f"{SCRIPT} {SQL}")


def test_bad_parameters_get_a_4xx_with_a_vietnamese_reason(browser_for, users):
    admin = browser_for("admin")
    assert admin.get("/dashboard/gaps", params={"since": "'; --"}).status_code == 400
    assert admin.get("/dashboard/knowledge/..%2F..%2Fsettings").status_code == 404
    assert admin.get("/dashboard/drafts/999999").status_code == 404
    malformed = admin.get("/dashboard/drafts/1%27%20OR%201=1")
    assert malformed.status_code == 404 and "tham số không hợp lệ" in malformed.text
    assert admin.get("/dashboard/exports/users.csv").status_code == 404
    assert admin.get("/dashboard/", params={"days": "abc"}).status_code == 200  # the default period instead
    assert admin.get("/dashboard/knowledge", params={"page": "-1", "due": SCRIPT}).status_code == 200
    bad_topic = post(admin, "/dashboard/drafts/1", {"topic": SCRIPT, "question": "x", "answer": "y"})
    assert bad_topic.status_code == 400 and "Chủ đề không hợp lệ" in bad_topic.text and SCRIPT not in bad_topic.text
