"""The Vietnamese texts and buttons of the escalation workflow (team group, citizen, provincial department)."""

from __future__ import annotations

import json

from bot.messages import Button

STATUS_LABELS = {
    "open": "đang chờ Tổ công nghệ số cộng đồng nhận xử lý",
    "claimed": "đã có thành viên Tổ công nghệ số cộng đồng nhận và đang xử lý",
    "answered": "đã được trả lời",
    "closed": "đã hoàn tất",
    "cancelled": "đã được huỷ",
}

CLAIM_PAYLOAD = "claim:{code}"
ANSWER_PAYLOAD = "answer:{code}"
"""Payloads of the team group's buttons ("Nhận xử lý", "Trả lời")."""


def claim_button(code: str) -> Button:
    """«Nhận xử lý» under a team notice: claims the ticket."""
    return Button("Nhận xử lý", CLAIM_PAYLOAD.format(code=code))


def answer_button(code: str) -> Button:
    """«Trả lời» under a team notice: asks the member for the answer."""
    return Button("Trả lời", ANSWER_PAYLOAD.format(code=code))


def team_buttons(code: str) -> list[Button]:
    """The buttons under a team notice: claim the ticket, or answer it."""
    return [claim_button(code), answer_button(code)]


def rating_buttons(code: str) -> list[Button]:
    """👍/👎 under a team's answer; the payloads carry the ticket code for `record_feedback`."""
    ticket = json.dumps({"ticket": code})
    return [Button("👍 Hữu ích", f"/feedback_good{ticket}"), Button("👎 Chưa giúp được", f"/feedback_bad{ticket}")]


def team_notice(code: str, commune_name: str, question: str, topic: str | None, phone_masked: str | None,
                joined_code: str | None, previous_answer: str | None = None) -> str:
    """The message a team group receives for a new escalation, or for one its citizen reopened (`previous_answer`:
    the answer that did not help)."""
    if previous_answer:
        lines = [f"🔁 Người dân mở lại phiếu — phiếu {code}", f"Địa bàn: {commune_name}",
                 f"Câu trả lời trước của tổ chưa giúp được người dân: {previous_answer}"]
    else:
        lines = [f"📩 Câu hỏi mới cần hỗ trợ — phiếu {code}", f"Địa bàn: {commune_name}"]
    if topic:
        lines.append(f"Chủ đề (dự đoán): {topic}")
    lines.append(f"Câu hỏi: {question}")
    if phone_masked:
        lines.append(f"Số điện thoại: {phone_masked} (người dân đồng ý để tổ liên hệ)")
    if joined_code:
        lines.append(f"Câu hỏi này giống phiếu {joined_code} nên đã được gộp chung: trả lời một lần là gửi cho cả hai.")
    lines.append(f"Bấm «Nhận xử lý» để nhận, hoặc trả lời bằng lệnh /traloi {code} <nội dung>.")
    return "\n".join(lines)


def citizen_answer(code: str, commune_name: str, answer: str) -> str:
    """The team's answer as the citizen receives it."""
    return (
        f"Tổ công nghệ số cộng đồng {commune_name} đã trả lời câu hỏi của bạn (phiếu {code}):\n\n"
        f"{answer}\n\nCâu trả lời này có giúp ích cho bạn không?"
    )


def reminder(code: str, commune_name: str, hours: float) -> str:
    """The reminder sent to a team group for a ticket nobody claimed."""
    return (
        f"⏰ Nhắc việc: phiếu {code} ({commune_name}) đã chờ hơn {hours:g} giờ mà chưa có ai nhận xử lý. "
        "Tổ vui lòng nhận và trả lời giúp người dân."
    )


def overdue_notice(code: str, commune_name: str, hours: float) -> str:
    """The notice for the provincial ICT department about an overdue ticket."""
    return f"⚠️ Quá hạn: phiếu {code} của {commune_name} chưa được nhận xử lý sau {hours:g} giờ."
