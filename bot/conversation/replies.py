"""What the assistant says for each retrieval decision, and for messages it cannot read."""

from __future__ import annotations

from bot.conversation.input_check import MAX_QUESTION_CHARS, InputKind
from bot.conversation.messages import (
    AFFIRM,
    Button,
    Message,
    entry_payload,
    escalation_offer_buttons,
    feedback_buttons,
    short_title,
)
from bot.conversation.topics import menu_buttons
from bot.knowledge.schema import KnowledgeEntry

MAX_RELATED = 3
NONE_OF_THESE = "Không phải, nhờ Tổ hỗ trợ"
FEEDBACK_QUESTION = "Câu trả lời này có giúp được bạn không?"


def answer_messages(entry: KnowledgeEntry, entries: dict[str, KnowledgeEntry]) -> list[Message]:
    """The answer with its source, up to three related questions as buttons, then the 👍/👎 question."""
    text = entry.answer.strip()
    if entry.source_url:
        text += f"\n\nNguồn: {entry.source_url}"
    related = [entries[i] for i in entry.related if i in entries and i != entry.id][:MAX_RELATED]
    buttons = [Button(short_title(r.question), entry_payload(r.id)) for r in related]
    if buttons:
        text += "\n\nBạn có thể xem thêm:"
    return [Message(text, buttons), Message(FEEDBACK_QUESTION, feedback_buttons())]


def clarify_message(candidates: list[KnowledgeEntry]) -> Message:
    """The candidate questions as buttons, for the citizen to pick the one they meant, and a last button for
    none of them, which passes the question to the community tech team (the clarify decision is also where
    questions the knowledge base does not cover land when they share its words)."""
    lines = [f"{n}. {entry.question}" for n, entry in enumerate(candidates, 1)]
    text = ("Bạn muốn hỏi câu nào dưới đây? Bạn bấm chọn, hoặc gõ số thứ tự:\n" + "\n".join(lines)
            + "\nNếu không phải câu nào ở trên, bạn bấm \"" + NONE_OF_THESE + "\" để tôi chuyển câu hỏi "
            "cho Tổ công nghệ số cộng đồng, hoặc gõ lại câu hỏi rõ hơn.")
    buttons = [Button(f"{n}. {short_title(entry.question)}", entry_payload(entry.id))
               for n, entry in enumerate(candidates, 1)]
    return Message(text, [*buttons, Button(NONE_OF_THESE, AFFIRM)])


def abstain_message() -> Message:
    """Not sure: say so, suggest rephrasing, offer the community tech team."""
    return Message(
        "Xin lỗi, tôi chưa chắc chắn trả lời đúng câu hỏi này nên không muốn bạn hiểu sai. "
        "Bạn có thể viết lại câu hỏi rõ hơn (ví dụ: tên ứng dụng, việc bạn đang làm, lỗi hiện ra), "
        "hoặc tôi chuyển câu hỏi cho Tổ công nghệ số cộng đồng ở xã/phường của bạn để các cán bộ trả lời. "
        "Bạn có muốn chuyển không?",
        escalation_offer_buttons(),
    )


def unreadable_message(kind: InputKind) -> Message:
    """A polite reply to a message that is not a question the assistant can read."""
    if kind == "no_text":
        text = ("Tôi chỉ đọc được chữ, chưa xem được hình, nhãn dán hay biểu tượng cảm xúc. "
                "Bạn gõ câu hỏi bằng chữ giúp tôi nhé, có dấu hay không dấu đều được.")
    elif kind == "too_long":
        text = (f"Tin nhắn của bạn khá dài (hơn {MAX_QUESTION_CHARS} ký tự) nên tôi sợ hiểu sai. "
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
