"""The escalation form's questions and the checks of each answer (commune, phone, consent)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.messages import AFFIRM, CANCEL, DENY, SKIP_PHONE, Button, Message, commune_payload
from bot.escalations.communes import Commune, match_commune
from bot.escalations.phone import mask_phone, normalize_mobile
from bot.text import fold

PHONE_SKIPPED = "-"
"""Value of the `phone` slot when the citizen chose not to give a number."""
MAX_QUESTION_CHARS = 1500
MAX_COMMUNE_BUTTONS = 6

SKIP_WORDS = frozenset({"bo qua", "bo", "khong", "ko", "k", "khong co", "khong can", "thoi khong", "skip",
                        "khong muon", "khong de lai", "bo qua a", "khong a"})
YES_WORDS = frozenset({"co", "dong y", "ok", "oke", "okay", "uh", "u", "vang", "da", "da vang", "duoc", "dong y a",
                       "co a", "vang a", "yes", "dc", "dong y nhe", "chac chan"})
NO_WORDS = frozenset({"khong", "ko", "k", "khong dong y", "no", "khong a", "thoi khong", "khong muon"})

CANCEL_BUTTON = Button("Huỷ", CANCEL)


@dataclass(frozen=True)
class SlotCheck:
    """The value to store for a form answer (None: ask again) and what to tell the citizen."""

    value: Any
    messages: list[Message] = field(default_factory=list)


def ask_question_message() -> Message:
    """Asks what to pass on when the citizen asked for a person without a question first."""
    return Message("Bạn muốn hỏi Tổ công nghệ số cộng đồng điều gì? Bạn gõ câu hỏi giúp tôi nhé.", [CANCEL_BUTTON])


def ask_commune_message() -> Message:
    """Asks where the citizen lives."""
    return Message("Bạn đang sống ở xã/phường nào? Tôi sẽ gửi câu hỏi tới Tổ công nghệ số cộng đồng ở đó "
                   "(ví dụ: \"xã Tân Lập\" hoặc \"tan lap\").", [CANCEL_BUTTON])


def ask_phone_message() -> Message:
    """Asks for an optional mobile number."""
    return Message("Nếu muốn cán bộ gọi lại, bạn để lại số điện thoại di động (ví dụ: 0912 345 678). "
                   "Không muốn để số thì bạn bấm \"Bỏ qua\".", [Button("Bỏ qua", SKIP_PHONE), CANCEL_BUTTON])


def ask_consent_message(commune: Commune | None, phone: str | None, channel: str) -> Message:
    """Asks consent to share the question (and number) with the commune's team."""
    team = commune.team.name if commune else "Tổ công nghệ số cộng đồng"
    shared = "câu hỏi của bạn" + (f" và số điện thoại {mask_phone(phone)}" if phone else "")
    where = "Telegram" if channel == "telegram" else "khung trò chuyện này"
    return Message(f"{team} sẽ xem {shared} để trả lời bạn qua {where}. Bạn có đồng ý không?",
                   [Button("Đồng ý", AFFIRM), Button("Không đồng ý", DENY)])


def check_question(value: Any) -> SlotCheck:
    """The question to pass on: any non-empty text, shortened when very long."""
    text = " ".join(str(value or "").split())
    if not any(c.isalpha() for c in text):
        return SlotCheck(None, [Message("Bạn gõ câu hỏi bằng chữ giúp tôi nhé.")])
    return SlotCheck(text[:MAX_QUESTION_CHARS])


def check_commune(value: Any, communes: Sequence[Commune]) -> SlotCheck:
    """The commune code for a typed name or a pressed button; buttons when several communes match."""
    text = str(value or "").strip()
    found = match_commune(text, communes) if text else []
    if len(found) == 1:
        return SlotCheck(found[0].code)
    if not found:
        shown = text if len(text) <= 40 else text[:39] + "…"
        return SlotCheck(None, [Message(
            f"Tôi chưa tìm thấy xã/phường \"{shown}\" trong danh sách của tỉnh. Bạn gõ lại tên xã/phường nơi bạn "
            "sống giúp tôi nhé (ví dụ: \"xã Tân Lập\"), hoặc bấm \"Huỷ\" để dừng.", [CANCEL_BUTTON])])
    buttons = [Button(c.name, commune_payload(c.code)) for c in found[:MAX_COMMUNE_BUTTONS]]
    return SlotCheck(None, [Message("Có mấy xã/phường tên gần giống nhau. Bạn ở xã/phường nào dưới đây?",
                                    [*buttons, CANCEL_BUTTON])])


def check_phone(value: Any) -> SlotCheck:
    """A ten-digit mobile number, or `PHONE_SKIPPED` when the citizen skips the question."""
    text = str(value or "").strip()
    if text == PHONE_SKIPPED or fold(text) in SKIP_WORDS:
        return SlotCheck(PHONE_SKIPPED)
    number = normalize_mobile(text)
    if number:
        return SlotCheck(number)
    return SlotCheck(None, [Message(
        "Số điện thoại này chưa đúng dạng số di động Việt Nam (10 số, ví dụ 0912 345 678). "
        "Bạn gõ lại, hoặc bấm \"Bỏ qua\" nếu không muốn để số.", [Button("Bỏ qua", SKIP_PHONE), CANCEL_BUTTON])])


def check_consent(value: Any) -> SlotCheck:
    """True or False from the yes/no buttons or a typed yes/no; None (and a reminder) otherwise."""
    if isinstance(value, bool):
        return SlotCheck(value)
    folded = fold(str(value or ""))
    if folded in YES_WORDS:
        return SlotCheck(True)
    if folded in NO_WORDS:
        return SlotCheck(False)
    return SlotCheck(None, [Message("Bạn bấm \"Đồng ý\" hoặc \"Không đồng ý\" giúp tôi nhé.",
                                    [Button("Đồng ý", AFFIRM), Button("Không đồng ý", DENY)])])


def phone_value(slot_value: Any) -> str | None:
    """The number to store: None when skipped or missing."""
    return None if slot_value in (None, PHONE_SKIPPED) else str(slot_value)
