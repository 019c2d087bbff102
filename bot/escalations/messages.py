"""The Vietnamese texts and buttons of the escalation workflow (team group, citizen, provincial department)."""

from __future__ import annotations

import json

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


def team_buttons(code: str) -> list[dict]:
    """The buttons under a team notice: claim the ticket, or answer it."""
    return [
        {"title": "Nhận xử lý", "payload": CLAIM_PAYLOAD.format(code=code)},
        {"title": "Trả lời", "payload": ANSWER_PAYLOAD.format(code=code)},
    ]


def rating_buttons(code: str) -> list[dict]:
    """👍/👎 under a team's answer; the payloads carry the ticket code for `record_feedback`."""
    ticket = json.dumps({"ticket": code})
    return [
        {"title": "👍 Hữu ích", "payload": f"/feedback_good{ticket}"},
        {"title": "👎 Chưa giúp được", "payload": f"/feedback_bad{ticket}"},
    ]


def team_notice(code: str, commune_name: str, question: str, topic: str | None, phone_masked: str | None,
                joined_code: str | None) -> str:
    """The message a team group receives for a new escalation."""
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


def status_reply(code: str, status: str, commune_name: str, answer: str | None) -> str:
    """The reply to "phiếu TL-… thế nào rồi?"."""
    text = f"Phiếu {code} ({commune_name}) {STATUS_LABELS.get(status, status)}."
    if answer and status in ("answered", "closed"):
        text += f"\nCâu trả lời của tổ: {answer}"
    return text


def unknown_ticket_reply(code: str) -> str:
    """The reply when no ticket has this code."""
    return f"Tôi chưa tìm thấy phiếu {code}. Bạn kiểm tra lại mã phiếu giúp tôi nhé (dạng TL-7F3K2)."


def reminder(code: str, commune_name: str, hours: float) -> str:
    """The reminder sent to a team group for a ticket nobody claimed."""
    return (
        f"⏰ Nhắc việc: phiếu {code} ({commune_name}) đã chờ hơn {hours:g} giờ mà chưa có ai nhận xử lý. "
        "Tổ vui lòng nhận và trả lời giúp người dân."
    )


def overdue_notice(code: str, commune_name: str, hours: float) -> str:
    """The notice for the provincial ICT department about an overdue ticket."""
    return f"⚠️ Quá hạn: phiếu {code} của {commune_name} chưa được nhận xử lý sau {hours:g} giờ."
