"""What the assistant says for each retrieval decision, and for messages it cannot read."""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation.buttons import (
    AFFIRM,
    entry_payload,
    escalation_offer_buttons,
    feedback_buttons,
    short_title,
)
from bot.conversation.input_check import InputKind
from bot.conversation.procedures import portal_search_url
from bot.conversation.topics import menu_buttons
from bot.knowledge.schema import KnowledgeEntry
from bot.limits import ANSWERABLE_QUESTION_CHARS
from bot.messages import Button, Message

MAX_RELATED = 3
NONE_OF_THESE = "Không phải, nhờ Tổ hỗ trợ"
FEEDBACK_QUESTION = "Câu trả lời này có giúp được bạn không?"


def _answer_text(entry: KnowledgeEntry) -> str:
    text = entry.answer.strip()
    if entry.source_url:
        text += f"\n\nNguồn: {entry.source_url}"
    return text


def answer_messages(entry: KnowledgeEntry, entries: dict[str, KnowledgeEntry],
                    question_id: int | None = None) -> list[Message]:
    """The answer with its source, up to three related questions as buttons, then the 👍/👎 question (rating
    the logged question `question_id`, or the entry when the answer was picked from a button)."""
    text = _answer_text(entry)
    related = [entries[i] for i in entry.related if i in entries and i != entry.id][:MAX_RELATED]
    buttons = [Button(short_title(r.display_title), entry_payload(r.id)) for r in related]
    if buttons:
        text += "\n\nBạn có thể xem thêm:"
    return [Message(text, buttons), Message(FEEDBACK_QUESTION, feedback_buttons(question_id, entry.id))]


def answers_messages(answered: Sequence[KnowledgeEntry], entries: dict[str, KnowledgeEntry],
                     question_id: int | None = None) -> list[Message]:
    """One answer as `answer_messages`; two answers (two questions in one message) each under its own title,
    then one 👍/👎 question."""
    if len(answered) == 1:
        return answer_messages(answered[0], entries, question_id)
    messages = [Message(f"Về câu hỏi \"{entry.display_title}\":\n\n{_answer_text(entry)}") for entry in answered]
    return [*messages, Message(FEEDBACK_QUESTION, feedback_buttons(question_id, answered[0].id))]


def unanswered_parts_message(parts: Sequence[str]) -> Message:
    """Names the questions of a message that no entry answers, and offers the team for them."""
    quoted = "; ".join(f"\"{part}\"" for part in parts)
    return Message(
        f"Phần {quoted} thì tôi chưa có câu trả lời đã được kiểm chứng nên không trả lời đoán. "
        "Tôi có thể chuyển phần này cho Tổ công nghệ số cộng đồng ở xã/phường của bạn. Bạn có muốn chuyển không?",
        escalation_offer_buttons(),
    )


def clarify_message(candidates: list[KnowledgeEntry]) -> Message:
    """The candidates as buttons (short titles, once), and a last button for none of them, which passes the
    question to the community tech team. With one candidate: "is this what you mean?"."""
    if len(candidates) == 1:
        entry = candidates[0]
        return Message(f"Có phải bạn muốn hỏi: \"{entry.question}\"? Bạn bấm vào câu hỏi để xem câu trả lời. "
                       f"Nếu không phải, bạn bấm \"{NONE_OF_THESE}\" hoặc gõ lại câu hỏi rõ hơn.",
                       [Button(short_title(entry.display_title), entry_payload(entry.id)),
                        Button(NONE_OF_THESE, AFFIRM)])
    buttons = [Button(f"{n}. {short_title(entry.display_title)}", entry_payload(entry.id))
               for n, entry in enumerate(candidates, 1)]
    return Message("Tôi tìm thấy vài câu hỏi gần với ý bạn. Bạn muốn hỏi câu nào? Bấm chọn, hoặc gõ số thứ tự. "
                   f"Nếu không phải câu nào, bạn bấm \"{NONE_OF_THESE}\" hoặc gõ lại câu hỏi rõ hơn.",
                   [*buttons, Button(NONE_OF_THESE, AFFIRM)])


def abstain_message() -> Message:
    """Not sure: say so, suggest rephrasing, offer the community tech team."""
    return Message(
        "Xin lỗi, tôi chưa chắc chắn trả lời đúng câu hỏi này nên không muốn bạn hiểu sai. "
        "Bạn có thể viết lại câu hỏi rõ hơn (ví dụ: tên ứng dụng, việc bạn đang làm, lỗi hiện ra), "
        "hoặc tôi chuyển câu hỏi cho Tổ công nghệ số cộng đồng ở xã/phường của bạn để các cán bộ trả lời. "
        "Bạn có muốn chuyển không?",
        escalation_offer_buttons(),
    )


def procedure_message(name: str, search_url_template: str) -> Message:
    """An administrative procedure the knowledge base does not cover: say so, show how to look it up on the
    national public-service portal, and offer the community tech team."""
    return Message(
        f"Tôi chưa có hướng dẫn đã được kiểm chứng cho thủ tục \"{name}\" nên không muốn trả lời đoán. "
        "Bạn có thể tự xem thủ tục này trên Cổng Dịch vụ công quốc gia:\n"
        f"1. Mở đường link: {portal_search_url(name, search_url_template)}\n"
        f"   (hoặc vào dichvucong.gov.vn, gõ \"{name}\" vào ô tìm kiếm, nên gõ có dấu).\n"
        "2. Bấm vào tên thủ tục đúng với việc của bạn, chọn đúng tỉnh/thành và xã/phường nơi bạn làm.\n"
        "3. Đọc mục \"Thành phần hồ sơ\" (giấy tờ cần nộp), \"Thời hạn giải quyết\" (bao lâu có kết quả) và "
        "\"Phí, lệ phí\" (số tiền phải nộp).\n"
        "Nếu cần người hướng dẫn, tôi chuyển câu hỏi cho Tổ công nghệ số cộng đồng ở xã/phường của bạn. "
        "Bạn có muốn chuyển không?",
        escalation_offer_buttons(),
    )


def unreadable_message(kind: InputKind) -> Message:
    """A polite reply to a message that is not a question the assistant can read."""
    if kind == "numbers":
        text = ("Tôi đã nhận được dãy số bạn gửi nhưng chưa rõ bạn muốn hỏi gì. Nếu đó là mã phiếu hỗ trợ, "
                "bạn gõ kèm chữ, ví dụ: \"phiếu TL-7F3K2\". Nếu có câu hỏi, bạn gõ thêm bằng chữ giúp tôi nhé, "
                "ví dụ: \"số điện thoại này đăng ký VNeID được không\".")
    elif kind == "no_text":
        text = ("Tôi chỉ đọc được chữ, chưa xem được hình, nhãn dán hay biểu tượng cảm xúc. "
                "Bạn gõ câu hỏi bằng chữ giúp tôi nhé, có dấu hay không dấu đều được.")
    elif kind == "too_long":
        text = (f"Tin nhắn của bạn khá dài (hơn {ANSWERABLE_QUESTION_CHARS} ký tự) nên tôi sợ hiểu sai. "
                "Bạn viết ngắn gọn từng câu hỏi một giúp tôi nhé, ví dụ: \"cách cài VssID\". "
                "Nếu cần, tôi cũng có thể chuyển nội dung này cho Tổ công nghệ số cộng đồng. Bạn có muốn chuyển không?")
        return Message(text, escalation_offer_buttons())
    elif kind == "foreign":
        text = ("Xin lỗi, hiện tôi chỉ trả lời bằng tiếng Việt. "
                "Bạn gõ câu hỏi bằng tiếng Việt giúp tôi nhé, có dấu hay không dấu đều được.")
    else:
        text = ("Xin lỗi, tôi chưa hiểu tin nhắn này. Bạn gõ lại câu hỏi bằng tiếng Việt giúp tôi, "
                "hoặc chọn một chủ đề bên dưới nhé.")
        return Message(text, menu_buttons())
    return Message(text)


def unknown_entry_message() -> Message:
    """A button pointed at an entry that no longer exists."""
    return Message("Xin lỗi, câu hỏi này vừa được cập nhật nên tôi không tìm thấy nữa. "
                   "Bạn gõ lại câu hỏi giúp tôi nhé.")
