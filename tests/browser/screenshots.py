"""`make screenshots`: the three walkthroughs of issue 18 in Debian's chromium, one PNG per step, in var/screenshots/.

1. a citizen on a 360×740 phone: the demo portal, the widget's greeting, an answer, a question the assistant
   cannot answer passed to the commune's team (every step of the form), the ticket code, later the team's answer;
2. a team member of Xã Yên Hòa (no Telegram group) on the same phone: the queue, the ticket with the
   conversation and the suggested answers, the phone number, the answer sent;
3. an ICT department reviewer on a 1366×768 laptop: the overview, the FAQ-gap page searched and filtered, a
   draft that repeats an existing entry, an entry with its review note, the ticket search, the exports.

The stack is the browser tests': `trolyso run` on a fresh database and a copy of the knowledge base
(`tests.processes.RunningAssistant`), with seeded questions. A step that cannot be done (the widget changed, say)
is reported and the walkthrough goes on. The list of screenshots and what each shows is printed and written to
var/screenshots/INDEX.md.

    .venv/bin/python -m tests.browser.screenshots [--out var/screenshots]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

from bot.accounts.users import create_user
from bot.db import make_engine, migrate
from bot.province import load_province
from bot.questionlog import record_question
from bot.settings import Settings
from tests.browser.chromium import CHROMIUM, LAUNCH_ARGS
from tests.browser.widget_steps import REPLY_TIMEOUT_MS, click_choice, type_message, widget
from tests.dashboard.gap_questions import GAP_GROUPS, SINGLE_QUESTIONS
from tests.processes import PROJECT_ROOT, RunningAssistant

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
ADMIN, MEMBER = "so.tttt", "yenhoa_son"
PASSWORD = "mật khẩu ảnh chụp màn hình"
COMMUNE = "xã Yên Hòa"
KNOWN = "cach cai vssid"
UNKNOWN = "Chế độ thương binh liệt sĩ được hưởng những gì?"
PHONE_NUMBER = "0912 345 678"
TICKET = re.compile(r"\bTL-[23456789A-HJKMNP-Z]{5}\b")


@dataclass
class Shots:
    """The screenshots taken, with what each shows, and the steps that could not be done."""

    out: Path
    taken: list[tuple[str, str, str]] = field(default_factory=list)
    """(file name, who, what it shows)."""
    failed: list[str] = field(default_factory=list)

    def take(self, page: Page, name: str, who: str, shows: str, full_page: bool = False) -> None:
        """Save `page` as `<name>.png`."""
        page.screenshot(path=str(self.out / f"{name}.png"), full_page=full_page)
        self.taken.append((f"{name}.png", who, shows))

    def step(self, what: str, action: Callable[[], None]) -> bool:
        """Run one step; a failure is recorded (with its reason) and the walkthrough goes on."""
        try:
            action()
            return True
        except Exception as error:  # any failure of a step is reported, and the walkthrough goes on
            self.failed.append(f"{what}: {type(error).__name__}: {str(error).splitlines()[0][:200]}")
            return False

    def index(self) -> str:
        """The list of screenshots as Markdown."""
        lines = ["# Screenshots (make screenshots)", ""]
        for name, who, shows in self.taken:
            lines.append(f"- `{name}` ({who}): {shows}")
        if self.failed:
            lines += ["", "## Steps not done", ""] + [f"- {failure}" for failure in self.failed]
        return "\n".join(lines) + "\n"


def seed(settings: Settings) -> None:
    """Accounts, and a month of questions the assistant could not answer (for the overview and the gap page)."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    province = load_province(settings.communes_file)
    create_user(engine, province, ADMIN, PASSWORD, "ict_admin", display_name="Sở Khoa học và Công nghệ")
    create_user(engine, province, MEMBER, PASSWORD, "team_member", commune_code="SL08")
    questions = [q for group in GAP_GROUPS.values() for q in group] + SINGLE_QUESTIONS
    for number, text in enumerate(questions * 2):
        record_question("web", f"shots-{number}", text, "abstain", None, 0.5, {"reason": "not_covered"}, False,
                        engine=engine, settings=settings)
    for number in range(40):
        record_question("web", f"shots-a{number}", "cách cài vssid", "answer", "bhyt-vssid-cai-dat", 0.9, {},
                        False, engine=engine, settings=settings)
    engine.dispose()


def sign_in(browser: Browser, base_url: str, viewport: dict[str, int], username: str, path: str) -> Page:
    """A new browser context signed in to the dashboard as `username`, on `path`."""
    page = browser.new_context(viewport=viewport, locale="vi-VN").new_page()
    page.goto(f"{base_url}{path}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    return page


def citizen(browser: Browser, base_url: str, shots: Shots) -> tuple[Page, str | None]:
    """The citizen's walkthrough up to the ticket code; returns the widget page and the code."""
    who = "người dân, điện thoại 360 px"
    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    page.goto(f"{base_url}/demo")
    shots.take(page, "citizen-01-portal", who, "trang cổng thông tin xã (demo) với nút mở trợ lý ở góc")
    if not shots.step("mở khung trợ lý", lambda: (widget(page, ".bubble").click(),
                                                 expect(widget(page, ".msg.bot").first).to_be_visible())):
        return page, None
    shots.take(page, "citizen-02-greeting", who, "lời chào khi mở trợ lý lần đầu (và các chủ đề, nếu có)")
    if shots.step("hỏi một câu có trong kho", lambda: type_message(page, KNOWN)):
        shots.take(page, "citizen-03-answer", who, f"câu trả lời cho «{KNOWN}» (gõ không dấu), với 👍/👎")
    steps: list[tuple[str, str, Callable[[], str]]] = [
        ("citizen-04-not-sure", "câu hỏi trợ lý chưa trả lời được và lời mời nhờ Tổ công nghệ số hỗ trợ",
         lambda: type_message(page, UNKNOWN)),
        ("citizen-05-form-question", "biểu mẫu chuyển Tổ: câu hỏi sẽ gửi, để xác nhận hoặc gõ lại",
         lambda: click_choice(page, "Có, nhờ Tổ hỗ trợ")),
        ("citizen-06-form-commune", "biểu mẫu hỏi (hoặc xác nhận) xã/phường",
         lambda: click_choice(page, "Gửi câu hỏi này")),
        ("citizen-07-form-phone", "biểu mẫu hỏi số điện thoại (không bắt buộc)",
         lambda: type_message(page, COMMUNE)),
        ("citizen-08-form-consent", "biểu mẫu xin đồng ý chia sẻ câu hỏi và số điện thoại với Tổ",
         lambda: type_message(page, PHONE_NUMBER)),
    ]
    for name, shows, action in steps:
        if not shots.step(shows, action):
            return page, None
        shots.take(page, name, who, shows)
    done: list[str] = []
    if not shots.step("đồng ý gửi", lambda: done.append(click_choice(page, "Đồng ý"))):
        return page, None
    shots.take(page, "citizen-09-ticket", who, "mã phiếu và điều sẽ xảy ra tiếp theo")
    codes = TICKET.findall(done[0])
    return page, codes[-1] if codes else None


def team_member(browser: Browser, base_url: str, shots: Shots, code: str | None) -> None:
    """The team member's walkthrough: queue, ticket, phone number, the answer sent."""
    who = "thành viên Tổ công nghệ số xã Yên Hòa, điện thoại 360 px"
    page = sign_in(browser, base_url, PHONE, MEMBER, "/dashboard/escalations")
    shots.take(page, "team-01-queue", who, "danh sách phiếu dạng thẻ, số phiếu mới trên menu và tiêu đề trang, "
                                           "lời nhắc Tổ chưa có nhóm Telegram, tên thành viên và tên xã ở đầu trang",
               full_page=True)
    if code is None:
        shots.failed.append("không có mã phiếu từ người dân: bỏ qua trang phiếu")
        return
    page.goto(f"{base_url}/dashboard/escalations/{code}")
    shots.step("mở đoạn hội thoại", lambda: page.locator("details summary").first.click())
    shots.take(page, "team-02-ticket", who, "trang phiếu: câu hỏi, đoạn hội thoại như người dân đã thấy, "
                                            "ba câu trả lời có sẵn trong kho để sửa rồi gửi", full_page=True)
    if shots.step("nhận xử lý", lambda: page.get_by_role("button", name="Nhận xử lý").click()) and shots.step(
            "hiện số điện thoại", lambda: page.get_by_role("button", name="Hiện số đầy đủ để gọi lại").click()):
        shots.take(page, "team-03-phone", who, "số điện thoại đầy đủ là đường dẫn tel: (bấm để gọi)")
    answer = ("Chế độ ưu đãi người có công do công chức Văn hoá – Xã hội của xã hướng dẫn; bạn mang giấy tờ tới "
              "Trung tâm phục vụ hành chính công của xã để được hướng dẫn hồ sơ.")
    if shots.step("gửi câu trả lời", lambda: (page.locator("textarea[name=text]").first.fill(answer),
                                               page.get_by_role("button", name="Gửi câu trả lời").first.click())):
        shots.take(page, "team-04-answered", who, "phiếu đã trả lời: thông báo đã gửi tới người dân")


def reviewer(browser: Browser, base_url: str, shots: Shots, code: str | None) -> None:
    """The ICT department reviewer's walkthrough."""
    who = "cán bộ Sở, máy tính 1366 px"
    page = sign_in(browser, base_url, LAPTOP, ADMIN, "/dashboard/")
    shots.take(page, "ict-01-overview", who, "tổng quan: thẻ số liệu, câu hỏi mỗi ngày theo chương trình (trục "
                                             "chia theo số liệu), tỷ lệ làm tròn một cách", full_page=True)
    page.goto(f"{base_url}/dashboard/gaps")
    shots.take(page, "ict-02-gaps", who, "câu hỏi cần bổ sung: ô tìm, lọc theo chủ đề, xã, lý do, thời gian, "
                                         "sắp xếp, trang 1")
    page.goto(f"{base_url}/dashboard/gaps?q=chu+ky+so&sort=recent")
    shots.take(page, "ict-03-gaps-search", who, "tìm «chu ky so» (không dấu), mới nhất trước")
    page.goto(f"{base_url}/dashboard/gaps")
    if shots.step("tạo bản nháp từ nhóm lớn nhất", lambda: page.locator("section.cluster").first.get_by_role(
            "button", name="Tạo bản nháp mục kiến thức").click(timeout=10_000)):
        shots.step("gõ câu hỏi trùng một mục", lambda: (
            page.get_by_label("Câu hỏi chính").fill("Quên mật khẩu VssID thì lấy lại như thế nào?"),
            page.locator("textarea[name=alternates]").fill("quen mat khau vssid\nmất mật khẩu vssid làm sao"),
            page.locator("textarea[name=answer]").fill("Chào bác, bác bấm Quên mật khẩu trên VssID. Sáng thứ "
                                                       "Bảy tổ có mặt ở nhà văn hoá thôn."),
            page.get_by_role("button", name="Lưu nháp").click(),
            expect(page.locator("#duplicate")).to_be_visible()))
        shots.take(page, "ict-04-draft-duplicate", who, "bản nháp gần trùng một mục: cảnh báo, và việc mặc định là "
                                                        "thêm các cách hỏi vào mục đó", full_page=True)
    page.goto(f"{base_url}/dashboard/knowledge/bhyt-vssid-cai-dat")
    shots.take(page, "ict-05-entry", who, "mục kiến thức: tiêu đề ngắn, ghi chú rà soát, rà soát có ghi chú",
               full_page=True)
    page.goto(f"{base_url}/dashboard/escalations?q={code or 'thuong binh'}")
    shots.take(page, "ict-06-ticket-search", who, "phiếu hỗ trợ toàn tỉnh, tìm theo mã phiếu hoặc từ khoá")
    page.goto(f"{base_url}/dashboard/exports")
    shots.take(page, "ict-07-exports", who, "xuất dữ liệu (CSV/XLSX có nhãn tiếng Việt, mã ở cột riêng)")


def later_answer(page: Page, shots: Shots) -> None:
    """The citizen's widget once the team answered."""
    who = "người dân, điện thoại 360 px"
    if shots.step("câu trả lời của Tổ tới khung trò chuyện", lambda: expect(widget(page, ".msg.later").last)
                  .to_be_visible(timeout=REPLY_TIMEOUT_MS)):
        shots.take(page, "citizen-10-team-answer", who, "câu trả lời của Tổ hiện trong khung đang mở, với 👍/👎")


def run(out: Path) -> Shots:
    """Start the stack, walk the three paths, return what was taken."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    shots = Shots(out)
    root = Path(tempfile.mkdtemp(prefix="trolyso-screenshots-"))
    try:
        shutil.copytree(PROJECT_ROOT / "knowledge", root / "knowledge")
        settings = Settings(database_url=f"sqlite:///{root / 'shots.db'}", knowledge_dir=root / "knowledge",
                            pseudonym_key="shots", escalation_outbox_path=root / "outbox.jsonl")
        seed(settings)
        assistant = RunningAssistant({"DATABASE_URL": settings.database_url,
                                      "KNOWLEDGE_DIR": str(settings.knowledge_dir), "PSEUDONYM_KEY": "shots",
                                      "ESCALATION_OUTBOX_PATH": str(root / "outbox.jsonl"),
                                      "DASHBOARD_SECRET_KEY": "shots-secret"})
        assistant.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
                widget_page, code = citizen(browser, assistant.base_url, shots)
                team_member(browser, assistant.base_url, shots, code)
                later_answer(widget_page, shots)
                reviewer(browser, assistant.base_url, shots, code)
                browser.close()
        finally:
            assistant.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    (out / "INDEX.md").write_text(shots.index(), encoding="utf-8")
    return shots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "var" / "screenshots")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"✗ {CHROMIUM} is missing: run scripts/setup.sh (it installs Debian's chromium)", file=sys.stderr)
        return 1
    shots = run(args.out)
    print(shots.index())
    print(f"{len(shots.taken)} screenshots in {args.out}")
    return 1 if shots.failed else 0


if __name__ == "__main__":
    sys.exit(main())
