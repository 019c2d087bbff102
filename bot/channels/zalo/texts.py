"""Everything the Zalo channel itself says to citizens (plain text: the answers come from the conversation)."""

from __future__ import annotations

from bot.conversation.degraded import BUSY_TEXT

WELCOME = (
    "Xin chào bạn! Tôi là Trợ lý số, trợ lý tự động giúp bà con dùng các dịch vụ số.\n\n"
    "Bạn cứ nhắn câu hỏi bằng lời của mình, có dấu hay không dấu đều được. Hoặc chọn một chủ đề:"
)

HELP = (
    "Cách dùng Trợ lý số trên Zalo:\n"
    "• Nhắn câu hỏi như khi hỏi người thân, ví dụ: cách cài VNeID, chuyển khoản bằng mã QR.\n"
    "• Khi tôi đưa ra các mục có đánh số, bạn gõ số của mục muốn chọn (ví dụ: 2).\n"
    "• Khi tôi chưa chắc chắn, tôi có thể chuyển câu hỏi cho Tổ công nghệ số cộng đồng ở xã/phường của bạn.\n\n"
    "Bạn cũng có thể gõ:\n"
    "/start – lời chào và danh sách chủ đề\n"
    "/help – xem hướng dẫn này\n"
    "/huy – huỷ việc đang làm dở (ví dụ đang điền thông tin gửi câu hỏi)"
)

UNKNOWN_COMMAND = "Tôi chưa có lệnh này. Bạn gõ /help để xem cách dùng, hoặc cứ nhắn câu hỏi bình thường nhé."

CANCEL_REQUEST = "huỷ"

TEXT_ONLY = (
    "Xin lỗi bạn, hiện tôi mới chỉ đọc được tin nhắn chữ, chưa xem được ảnh, nhãn dán, tiếng nói hay tệp. "
    "Bạn vui lòng gõ câu hỏi bằng chữ giúp tôi nhé."
)

TOO_LONG = "Tin nhắn dài quá ({limit} ký tự trở xuống thôi ạ). Bạn vui lòng viết ngắn lại câu hỏi chính nhé."

PLEASE_WAIT = "Bạn nhắn hơi nhanh, xin chờ khoảng một phút rồi nhắn tiếp nhé. Tôi sẽ trả lời từng câu một."

RASA_DOWN = BUSY_TEXT
"""The degraded mode's reply when nothing can be answered (the conversation's own wording, on every channel)."""


SOMETHING_WRONG = "Xin lỗi bạn, tôi vừa gặp trục trặc khi trả lời. Bạn vui lòng nhắn lại sau ít phút nhé."

CHOOSE_NUMBER = "Bạn chọn một mục dưới đây nhé:"
TYPE_A_NUMBER = "(Bạn gõ số thứ tự, ví dụ {example}, để chọn.)"
FEEDBACK_NUMBERS = "Gõ {good} nếu hữu ích, {bad} nếu chưa."
