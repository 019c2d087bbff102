"""Publishing a draft that repeats an existing entry warns and offers adding its wordings to that entry (the
default action); drafts from a team's answer lose the greeting and the team's schedule, and dated sentences
are flagged."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.gaps.local_phrases import general_answer
from bot.knowledge.store import load_knowledge
from bot.models import KnowledgeDraft
from tests.dashboard.helpers import escalate, post

FORGOT = "Quên mật khẩu VssID thì lấy lại thế nào?"
NEW_WORDINGS = ["quen mat khau vssid lay lai sao", "mất mật khẩu vssid phải làm gì"]


def _draft(engine: Engine, question: str, alternates: list[str], answer: str = "") -> int:
    with Session(engine) as session:
        draft = KnowledgeDraft(origin="cluster", topic="health_insurance", question=question, alternates=alternates,
                               answer=answer, items=[], created_by="admin")
        session.add(draft)
        session.commit()
        return draft.id


def _form(question: str, alternates: list[str], action: str, **extra: str) -> dict[str, str]:
    return {"action": action, "topic": "health_insurance", "question": question, "alternates": "\n".join(alternates),
            "answer": "Bạn bấm Quên mật khẩu trên VssID rồi làm theo hướng dẫn.",
            "source_url": "https://baohiemxahoi.gov.vn", **extra}


def _entries(knowledge_dir):
    return {e.entry.id: e.entry for e in load_knowledge(knowledge_dir).entries}


def test_a_near_duplicate_draft_warns_and_offers_merging_as_the_default(client: TestClient, browser_for):
    draft_id = _draft(client.app.state.dashboard.engine, "Quên mật khẩu VssID thì lấy lại như thế nào?", NEW_WORDINGS)
    page = browser_for("admin").get(f"/dashboard/drafts/{draft_id}").text
    assert 'id="duplicate"' in page and "bhyt-vssid-quen-mat-khau" in page
    actions = page[page.index('<input type="hidden" name="merge_into"'):]
    first_button = actions[actions.index("<button"):actions.index("</button>")]
    assert 'value="merge" class="primary"' in first_button  # the first submit button: Enter does this
    assert 'name="merge_into" value="bhyt-vssid-quen-mat-khau"' in page


def test_publishing_a_near_duplicate_without_confirming_is_refused(client: TestClient, browser_for, knowledge_dir):
    admin = browser_for("admin")
    question = "Quên mật khẩu VssID thì lấy lại như thế nào?"
    draft_id = _draft(client.app.state.dashboard.engine, question, NEW_WORDINGS)
    before = _entries(knowledge_dir)
    path = f"/dashboard/drafts/{draft_id}"
    response = post(admin, path, _form(question, NEW_WORDINGS, "approve"), token_page=path)
    assert response.status_code == 409 and "Bản nháp rất giống mục" in response.text
    assert _entries(knowledge_dir) == before


def test_merging_adds_the_wordings_as_alternates_of_the_entry(client: TestClient, browser_for, knowledge_dir):
    admin = browser_for("admin")
    question = "Quên mật khẩu VssID thì lấy lại như thế nào?"
    draft_id = _draft(client.app.state.dashboard.engine, question, NEW_WORDINGS)
    before = _entries(knowledge_dir)["bhyt-vssid-quen-mat-khau"]
    path = f"/dashboard/drafts/{draft_id}"
    response = post(admin, path, _form(question, NEW_WORDINGS, "merge", merge_into="bhyt-vssid-quen-mat-khau",
                                       answer=""), token_page=path)
    assert response.status_code == 303 and response.headers["location"].endswith("/knowledge/bhyt-vssid-quen-mat-khau")
    after = _entries(knowledge_dir)
    merged = after["bhyt-vssid-quen-mat-khau"]
    assert merged.alternates[:len(before.alternates)] == before.alternates
    assert [question, *NEW_WORDINGS] == merged.alternates[len(before.alternates):]
    assert merged.answer == before.answer and len(after) == len(_entries(knowledge_dir))
    assert "Đã thêm các cách hỏi" in admin.get(response.headers["location"]).text
    assert "đã được duyệt thành mục bhyt-vssid-quen-mat-khau" in admin.get(path).text


def test_a_confirmed_new_entry_is_published_despite_the_warning(client: TestClient, browser_for, knowledge_dir):
    admin = browser_for("admin")
    question = "Quên mật khẩu VssID thì lấy lại như thế nào?"
    draft_id = _draft(client.app.state.dashboard.engine, question, [*NEW_WORDINGS, "lấy lại mật khẩu vssid"])
    path = f"/dashboard/drafts/{draft_id}"
    response = post(admin, path, _form(question, [*NEW_WORDINGS, "lấy lại mật khẩu vssid"], "approve_new"),
                    token_page=path)
    assert response.status_code == 303
    entry_id = response.headers["location"].rsplit("/", 1)[1]
    assert entry_id != "bhyt-vssid-quen-mat-khau" and _entries(knowledge_dir)[entry_id].question == question


def test_a_distinct_draft_gets_no_warning(client: TestClient, browser_for):
    draft_id = _draft(client.app.state.dashboard.engine, "Đăng ký chữ ký số cá nhân ở đâu?",
                      ["chu ky so ca nhan dang ky o dau"])
    page = browser_for("admin").get(f"/dashboard/drafts/{draft_id}").text
    assert 'id="duplicate"' not in page and 'value="approve" class="primary">Duyệt và đăng' in page


def test_the_threshold_is_the_setting(client: TestClient, browser_for, settings):
    draft_id = _draft(client.app.state.dashboard.engine, "Đăng ký chữ ký số cá nhân ở đâu?",
                      ["chu ky so ca nhan dang ky o dau"])
    client.app.state.dashboard.settings = settings.model_copy(update={"draft_duplicate_threshold": 0.0})
    assert 'id="duplicate"' in browser_for("admin").get(f"/dashboard/drafts/{draft_id}").text


def test_a_team_answer_loses_its_greeting_and_the_team_schedule():
    general = general_answer("Chào bác, bác vào VssID chọn Quên mật khẩu. Sáng thứ Bảy tổ có mặt ở nhà văn hoá "
                             "thôn để hỗ trợ.\nChúc bác thành công.")
    assert general.text == "Bác vào VssID chọn Quên mật khẩu."
    assert general.removed == ["Chào bác,", "Sáng thứ Bảy tổ có mặt ở nhà văn hoá thôn để hỗ trợ.",
                               "Chúc bác thành công."]


def test_a_dated_sentence_that_carries_the_answer_is_kept_and_flagged():
    general = general_answer("Dạ chào anh Hùng! Anh mang căn cước tới xã vào sáng thứ Hai nhé.")
    assert general.text == "Anh mang căn cước tới xã vào sáng thứ Hai nhé."
    assert general.flagged == ["Anh mang căn cước tới xã vào sáng thứ Hai nhé."]


def test_a_draft_from_a_team_answer_drops_the_greeting_and_flags_the_schedule(client: TestClient, settings,
                                                                             browser_for):
    code = escalate(client.app.state.dashboard.engine, settings, "Chế độ thương binh liệt sĩ được hưởng những gì?")
    post(browser_for("tanlap_lan"), f"/dashboard/escalations/{code}/answer", {
        "text": "Chào bác, chế độ ưu đãi người có công do phòng Văn hoá – Xã hội của xã hướng dẫn; bác mang giấy tờ "
                "tới Trung tâm phục vụ hành chính công xã vào sáng thứ Hai nhé. Sáng thứ Bảy tổ có mặt ở nhà văn "
                "hoá thôn."}, token_page=f"/dashboard/escalations/{code}")
    admin = browser_for("admin")
    response = post(admin, f"/dashboard/escalations/{code}/draft", token_page=f"/dashboard/escalations/{code}")
    page = admin.get(response.headers["location"]).text
    answer = page[page.index('name="answer"'):page.index("</textarea>", page.index('name="answer"'))]
    assert "Chào bác" not in answer and "tổ có mặt" not in answer
    assert ">Chế độ ưu đãi người có công" in answer
    flagged = page[page.index('id="local-phrases"'):]
    assert "vào sáng thứ Hai nhé." in flagged[:flagged.index("</div>")]


def test_a_greeting_typed_into_a_draft_is_flagged(client: TestClient, browser_for):
    draft_id = _draft(client.app.state.dashboard.engine, "Đăng ký chữ ký số cá nhân ở đâu?", [],
                      answer="Chào bác, bác đăng ký với nhà cung cấp chữ ký số. Chúc bác thành công.")
    page = browser_for("admin").get(f"/dashboard/drafts/{draft_id}").text
    flagged = page[page.index('id="local-phrases"'):]
    flagged = flagged[:flagged.index("</div>")]
    assert "<li>Chào bác,</li>" in flagged and "<li>Chúc bác thành công.</li>" in flagged


def test_a_draft_can_be_saved_without_an_answer_yet(client: TestClient, browser_for):
    draft_id = _draft(client.app.state.dashboard.engine, "Đăng ký chữ ký số cá nhân ở đâu?", [])
    page = browser_for("admin").get(f"/dashboard/drafts/{draft_id}").text
    assert '<button type="submit" name="action" value="save" formnovalidate>Lưu nháp</button>' in page
