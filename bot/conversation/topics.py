"""The topic menu: the four programmes and digital skills, as buttons and as words citizens type.

The one menu of the assistant: Rasa's menu message and the Telegram channel's /start keyboard are both built
from `MENU`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation.buttons import MY_TICKETS, entry_payload, short_title, topic_payload
from bot.knowledge.schema import TOPIC_FILES, KnowledgeEntry
from bot.messages import Button, Message
from bot.text import fold


@dataclass(frozen=True)
class MenuTopic:
    """One topic of the menu."""

    key: str
    """Menu key used in payloads (the knowledge file's name, e.g. `bhyt_dien_tu`)."""
    topic: str
    """The knowledge entries' `topic`."""
    title: str
    """Short button title."""
    about: str
    """The topic inside a sentence ("về ...")."""
    keywords: tuple[str, ...]
    """Folded words or phrases that name the topic when typed."""


MENU: tuple[MenuTopic, ...] = (
    MenuTopic("dich_vu_cong", TOPIC_FILES["dich_vu_cong.yml"], "🏛️ Dịch vụ công trực tuyến", "dịch vụ công trực tuyến",
              ("dich vu cong", "dvc", "vneid", "thu tuc", "ho so", "hanh chinh", "dinh danh")),
    MenuTopic("thanh_toan_so", TOPIC_FILES["thanh_toan_so.yml"], "💳 Thanh toán không dùng tiền mặt",
              "thanh toán không dùng tiền mặt",
              ("thanh toan", "chuyen khoan", "ck", "vi dien tu", "qr", "ngan hang", "mobile money",
               "tien mat")),
    MenuTopic("bhyt_dien_tu", TOPIC_FILES["bhyt_dien_tu.yml"], "🏥 Bảo hiểm y tế điện tử", "bảo hiểm y tế điện tử",
              ("bhyt", "bao hiem", "vssid", "bhxh", "kham benh", "y te")),
    MenuTopic("ocop_tmdt", TOPIC_FILES["ocop_tmdt.yml"], "🛒 Bán sản phẩm OCOP trên mạng",
              "bán sản phẩm OCOP trên sàn thương mại điện tử",
              ("ocop", "ban hang", "san thuong mai", "thuong mai dien tu", "tmdt", "shopee", "postmart",
               "voso", "ban online")),
    MenuTopic("ky_nang_so", TOPIC_FILES["ky_nang_so.yml"], "📱 Kỹ năng số", "kỹ năng số",
              ("ky nang so", "ky nang", "dien thoai", "internet", "mat khau", "an toan mang", "wifi")),
)
"""The menu, in the order it is shown."""

POPULAR_QUESTIONS = 5
"""How many questions of a topic are offered as buttons."""


def menu_topic(key: str | None) -> MenuTopic | None:
    """The menu topic with this key (or knowledge topic name), if any."""
    return next((t for t in MENU if key in (t.key, t.topic)), None)


def topic_from_text(text: str) -> MenuTopic | None:
    """The topic a typed message names ("bảo hiểm y tế", "dvc"...), when exactly one matches."""
    folded = f" {fold(text)} "
    found = [t for t in MENU if any(f" {k} " in folded for k in t.keywords)]
    return found[0] if len(found) == 1 else None


def menu_buttons() -> list[Button]:
    """One button per topic."""
    return [Button(t.title, topic_payload(t.key)) for t in MENU]


def menu_message() -> Message:
    """The topic menu as a message."""
    return Message("Bạn muốn tìm hiểu về chủ đề nào? Bạn chọn một mục bên dưới, hoặc gõ thẳng câu hỏi nhé.",
                   menu_buttons())


def topic_questions(topic: MenuTopic, entries: list[KnowledgeEntry], limit: int = POPULAR_QUESTIONS) -> list[str]:
    """Ids of the first `limit` entries of a topic, in knowledge-base order (the basic questions come first)."""
    return [e.id for e in entries if e.topic == topic.topic][:limit]


def topic_message(topic: MenuTopic, entries: list[KnowledgeEntry], entry_ids: list[str]) -> Message:
    """The questions of a topic as buttons."""
    by_id = {e.id: e for e in entries}
    buttons = [Button(short_title(by_id[i].question), entry_payload(i)) for i in entry_ids if i in by_id]
    return Message(f"Một số câu hỏi thường gặp về {topic.about}. Bạn chọn một câu, hoặc gõ câu hỏi của bạn:",
                   buttons)


EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "Quên mật khẩu VNeID thì lấy lại thế nào?",
    "Làm sao biết thẻ BHYT của tôi còn hạn đến ngày nào?",
    "Chuyển khoản nhầm thì lấy lại tiền thế nào?",
)
"""Questions offered with the greeting, as examples of what can be asked (each one answered by the knowledge
base: `tests/conversation/test_answering.py` checks it)."""


def example_buttons() -> list[Button]:
    """The example questions as buttons that ask them."""
    return [Button(question, question) for question in EXAMPLE_QUESTIONS]


def greeting_menu() -> dict[str, list[dict[str, str]]]:
    """What a greeting offers under its text: the topics, and the example questions (the web widget's first open);
    after a restart, also the citizen's tickets."""
    return {"topics": [b.to_dict() for b in menu_buttons()], "examples": [b.to_dict() for b in example_buttons()],
            "tickets": [Button("Phiếu của tôi", MY_TICKETS).to_dict()]}
