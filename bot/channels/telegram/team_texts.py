"""What the bot says in the community tech teams' Telegram groups (plain text, escaped when sent).

Texts ending in `_ALERT` are shown in a pop-up to the member who pressed a button: Telegram allows at
most 200 characters there.
"""

from __future__ import annotations

TEAM_HELP = (
    "Trợ lý số giúp Tổ công nghệ số cộng đồng trả lời câu hỏi người dân gửi tới:\n"
    "• Bấm «Nhận xử lý» dưới tin báo phiếu để nhận phiếu.\n"
    "• Để trả lời: bấm «Trả lời», hoặc trả lời (reply) thẳng vào tin báo phiếu, "
    "hoặc gõ /traloi <mã phiếu> <nội dung>.\n"
    "• /phieu <mã phiếu>: xem tình trạng một phiếu; /phieu: xem các phiếu đang chờ.\n"
    "Câu trả lời được gửi ngay cho người dân, trên Telegram, Zalo hay trên trang web mà họ đã hỏi."
)
UNKNOWN_COMMAND = "Tôi chưa có lệnh này trong nhóm của tổ.\n\n" + TEAM_HELP

NO_USERNAME_ALERT = (
    "Tài khoản Telegram của bạn chưa có tên người dùng (username) nên tôi chưa nhận ra bạn. "
    "Bạn đặt username trong phần Cài đặt rồi nhờ tổ trưởng đăng ký giúp nhé."
)
NOT_MEMBER_ALERT = (
    "Xin lỗi, @{username} chưa có trong danh sách {team}, nên chưa nhận hay trả lời phiếu được. "
    "Bạn nhờ tổ trưởng đăng ký giúp nhé."
)

CLAIM_WON_ALERT = "Bạn đã nhận xử lý phiếu {code}. Cảm ơn bạn!"
CLAIM_LOST_ALERT = "Phiếu {code} đã được {winner} nhận xử lý trước rồi ạ."
CLAIM_ALREADY_YOURS_ALERT = "Bạn đã nhận phiếu {code} từ trước rồi. Khi có câu trả lời, bạn bấm «Trả lời» nhé."
CLAIMED_LINE = "✅ {member} đã nhận xử lý phiếu này."
CLAIMED_TOO = "Cùng nhận các phiếu gộp chung: {codes}."

PROMPT_MARK = "mời bạn trả lời (reply) ngay tin nhắn này"
"""What identifies the bot's answer prompt when a member replies to it."""
ANSWER_PROMPT = "{mention} " + PROMPT_MARK + " bằng nội dung câu trả lời cho phiếu {code}. Tôi sẽ chuyển tới người dân."
ANSWER_PLACEHOLDER = "Câu trả lời cho phiếu {code}"
ANSWER_PROMPTED_ALERT = "Mời bạn trả lời tin nhắn tôi vừa gửi trong nhóm."
ANSWERED_LINE = "📨 {member} đã trả lời phiếu này."
ANSWER_SENT = "✅ Đã gửi câu trả lời của {member} cho phiếu {code} tới người dân."
ANSWER_SENT_CLUSTER = "Câu trả lời cũng được gửi cho các phiếu gộp chung: {codes}."
ANSWER_NOT_DELIVERED = (
    "⚠️ Chưa gửi được tới {count} người dân (lỗi mạng, họ đã chặn Trợ lý số, hoặc họ hỏi qua Zalo OA "
    "đã quá 48 giờ). "
    "Họ vẫn xem được câu trả lời khi hỏi lại mã phiếu."
)
EMPTY_ANSWER = "Câu trả lời đang trống. Bạn gõ: /traloi {code} <nội dung trả lời> nhé."
ANSWER_TOO_LONG = "Câu trả lời dài quá ({limit} ký tự trở xuống). Bạn viết gọn lại để người dân dễ đọc nhé."
TEXT_ONLY_ANSWER = "Tôi mới chuyển được câu trả lời bằng chữ. Bạn gõ nội dung trả lời giúp tôi nhé."
TRALOI_USAGE = (
    "Cách dùng: /traloi <mã phiếu> <nội dung trả lời>\n"
    "Ví dụ: /traloi TL-7F3K2 Bác mở ứng dụng VNeID, chọn «Quên mật khẩu» rồi làm theo hướng dẫn ạ."
)
NO_CODE_IN_REPLY = (
    "Để gửi câu trả lời cho người dân, bạn trả lời (reply) vào tin báo phiếu hoặc tin nhắc việc của tôi, "
    "hoặc dùng lệnh /traloi <mã phiếu> <nội dung> nhé."
)

UNKNOWN_TICKET = "Tôi không tìm thấy phiếu {code}. Bạn kiểm tra lại mã phiếu (dạng TL-7F3K2) nhé."
WRONG_TEAM = "Phiếu {code} thuộc {commune}, không thuộc tổ này, nên không xử lý ở nhóm này được."
NOT_WAITING = "Phiếu {code} {status}, nên không cần xử lý thêm."
ALREADY_ANSWERED = "Phiếu {code} đã được trả lời rồi, nên tôi không gửi thêm."

STATUS_HEADER = "Phiếu {code} — {commune}"
STATUS_LINES = {
    "status": "Tình trạng: {value}",
    "channel": "Người dân hỏi qua: {value}",
    "created": "Gửi lúc: {value}",
    "assignee": "Người nhận xử lý: {value}",
    "question": "Câu hỏi: {value}",
    "answer": "Câu trả lời: {value}",
}
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "web": "trang web (khung trò chuyện)"}
STATUS_USAGE = "Cách dùng: /phieu <mã phiếu>, ví dụ /phieu TL-7F3K2; gõ /phieu để xem các phiếu đang chờ."
QUEUE_EMPTY = "Hiện không có phiếu nào đang chờ xử lý. Cảm ơn tổ!"
QUEUE_HEADER = "Các phiếu đang chờ ({count}):"
QUEUE_LINE = "• {code} ({commune}) — {status}, đã chờ {waited}: {question}"
QUEUE_STATUS = {"open": "chưa ai nhận", "claimed": "{name} đang xử lý"}
QUEUE_MORE = "… và {count} phiếu khác."

DATABASE_DOWN = "Xin lỗi, hệ thống lưu phiếu đang trục trặc nên chưa làm được việc này. Bạn thử lại sau ít phút nhé."
SOMETHING_WRONG = "Xin lỗi, tôi vừa gặp lỗi khi xử lý yêu cầu này. Bạn thử lại sau ít phút nhé."
