"""The knowledge entry page shows and saves the short title and the review note, on edit and on "mark reviewed"."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.knowledge.schema import TITLE_MAX_CHARS
from bot.knowledge.store import load_knowledge
from tests.dashboard.helpers import post

PATH = "/dashboard/knowledge/bhyt-vssid-la-gi"


def _entry(knowledge_dir):
    return next(e.entry for e in load_knowledge(knowledge_dir).entries if e.entry.id == "bhyt-vssid-la-gi")


def _form(entry, **changes: str) -> dict[str, str]:
    return {"question": entry.question, "alternates": "\n".join(entry.alternates), "answer": entry.answer,
            "source_url": entry.source_url or "", "title": entry.title or "", "review_note": entry.review_note or "",
            **changes}


def test_the_entry_page_shows_the_title_and_review_note_in_its_forms(client: TestClient, browser_for, knowledge_dir):
    entry = _entry(knowledge_dir)
    page = browser_for("admin").get(PATH).text
    assert f'name="title" value="{entry.title or ""}" maxlength="{TITLE_MAX_CHARS}"' in page
    assert page.count('name="review_note"') == 2  # the edit form and the "mark reviewed" form
    assert entry.review_note and "features against BHXH Việt Nam guidance" in page


def test_editing_saves_the_title_and_the_review_note(client: TestClient, browser_for, knowledge_dir):
    admin = browser_for("admin")
    entry = _entry(knowledge_dir)
    response = post(admin, PATH, _form(entry, title="VssID là gì", review_note="Đối chiếu với vssid.gov.vn ngày 1/12."),
                    token_page=PATH)
    assert response.status_code == 303
    saved = _entry(knowledge_dir)
    assert (saved.title, saved.review_note) == ("VssID là gì", "Đối chiếu với vssid.gov.vn ngày 1/12.")
    page = admin.get(PATH).text
    assert "VssID là gì" in page and "Đối chiếu với vssid.gov.vn ngày 1/12." in page


def test_a_title_longer_than_the_schema_allows_is_refused_and_nothing_is_written(client: TestClient, browser_for,
                                                                                 knowledge_dir):
    before = _entry(knowledge_dir)
    response = post(browser_for("admin"), PATH, _form(before, title="x" * (TITLE_MAX_CHARS + 1)), token_page=PATH)
    assert response.status_code == 422 and "title" in response.text
    assert _entry(knowledge_dir) == before


def test_an_emptied_title_is_removed(client: TestClient, browser_for, knowledge_dir):
    admin = browser_for("admin")
    post(admin, PATH, _form(_entry(knowledge_dir), title="VssID là gì"), token_page=PATH)
    post(admin, PATH, _form(_entry(knowledge_dir), title=""), token_page=PATH)
    assert _entry(knowledge_dir).title is None


def test_marking_reviewed_saves_the_note_and_needs_one(client: TestClient, browser_for, knowledge_dir):
    admin = browser_for("admin")
    refused = post(admin, f"{PATH}/reviewed", {"review_note": "  "}, token_page=PATH)
    assert refused.status_code == 422 and "Cần ghi chú rà soát" in refused.text
    note = "Đối chiếu hướng dẫn trên baohiemxahoi.gov.vn; chưa kiểm chứng được phiên bản iOS."
    assert post(admin, f"{PATH}/reviewed", {"review_note": note}, token_page=PATH).status_code == 303
    reviewed = _entry(knowledge_dir)
    assert reviewed.review_note == note and reviewed.reviewed_on == client.app.state.dashboard.today()
