"""Everything the Telegram channel itself says to citizens (the answers come from Rasa)."""

from __future__ import annotations

from bot.conversation.degraded import BUSY_TEXT

WELCOME = (
    "Xin chào bạn! Tôi là <b>Trợ lý số</b>, trợ lý tự động giúp bà con dùng các dịch vụ số.\n\n"
    "Bạn cứ nhắn câu hỏi bằng lời của mình, có dấu hay không dấu đều được. "
    "Hoặc bấm chọn một chủ đề bên dưới:"
)

HELP = (
    "<b>Cách dùng Trợ lý số</b>\n"
    "• Nhắn câu hỏi như khi hỏi người thân, ví dụ: <i>cách cài VNeID</i>, <i>chuyển khoản bằng mã QR</i>.\n"
    "• Bấm các nút bên dưới câu trả lời để chọn nhanh.\n"
    "• Khi tôi chưa chắc chắn, tôi có thể chuyển câu hỏi cho Tổ công nghệ số cộng đồng ở xã/phường của bạn.\n\n"
    "Các lệnh:\n"
    "/start – lời chào và danh sách chủ đề\n"
    "/help – xem hướng dẫn này\n"
    "/huy – huỷ việc đang làm dở (ví dụ đang điền thông tin gửi câu hỏi)"
)

UNKNOWN_COMMAND = "Tôi chưa có lệnh này. Bạn gõ /help để xem các lệnh dùng được, hoặc cứ nhắn câu hỏi bình thường nhé."

CANCEL_REQUEST = "huỷ"

TEXT_ONLY = (
    "Xin lỗi bạn, hiện tôi mới chỉ đọc được tin nhắn chữ, chưa xem được ảnh, tiếng nói, tệp hay vị trí. "
    "Bạn vui lòng gõ câu hỏi bằng chữ giúp tôi nhé."
)

TOO_LONG = "Tin nhắn dài quá ({limit} ký tự trở xuống thôi ạ). Bạn vui lòng viết ngắn lại câu hỏi chính nhé."

PLEASE_WAIT = (
    "Bạn nhắn hơi nhanh, xin chờ khoảng một phút rồi nhắn tiếp nhé. "
    "Tôi sẽ trả lời từng câu một."
)

RASA_DOWN = BUSY_TEXT
"""The degraded mode's reply when nothing can be answered (the conversation's own wording, on every channel)."""


BUTTON_EXPIRED = "Nút này đã cũ nên tôi không đọc được nữa. Bạn vui lòng gõ lại câu hỏi hoặc bấm /start nhé."

COMMAND_MENU = (
    ("start", "Lời chào và các chủ đề"),
    ("help", "Hướng dẫn sử dụng"),
    ("huy", "Huỷ việc đang làm dở"),
)

CHOOSE_BELOW = "Bạn chọn một mục bên dưới nhé:"

SOMETHING_WRONG = "Xin lỗi bạn, tôi vừa gặp trục trặc khi trả lời. Bạn vui lòng nhắn lại sau ít phút nhé."
