"""The escalation form: its questions, the checks of each answer (commune, phone, consent), and what happens
once it is filled in (the question is passed to the commune's team, or not), as an `Outcome` for the actions."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.answering import Outcome
from bot.conversation.buttons import AFFIRM, CANCEL, DENY, MY_TICKETS, SKIP_PHONE, commune_payload
from bot.conversation.dialogue import Speaker
from bot.escalations.intake import EscalationRequest
from bot.limits import ESCALATION_PENDING_SHOWN_CHARS, ESCALATION_QUESTION_CHARS
from bot.messages import Button, Message
from bot.phone import mask_phone, normalize_mobile
from bot.province import Commune, match_commune
from bot.sender_ids import Channel
from bot.text import fold

logger = logging.getLogger(__name__)

PHONE_SKIPPED = "-"
"""Value of the `phone` slot when the citizen chose not to give a number."""
MAX_COMMUNE_BUTTONS = 6
FORM_SLOTS = ("escalation_question", "commune", "phone", "consent")
PENDING_SLOT = "pending_question"
HOME_COMMUNE_SLOT = "home_commune"
"""The citizen's commune, remembered for the conversation once an escalation named it."""
RESET: dict[str, Any] = {**dict.fromkeys(FORM_SLOTS), PENDING_SLOT: None, "offer": None}
"""The slots cleared once the form is done (sent, declined or cancelled)."""
ANY_TEAM = "Tổ công nghệ số cộng đồng"

Submit = Callable[[EscalationRequest], str]
"""Stores an escalation and returns its ticket code (`bot.escalations.intake.submit_escalation`, bound)."""

SKIP_WORDS = frozenset({"bo qua", "bo", "khong", "ko", "k", "khong co", "khong can", "thoi khong", "skip",
                        "khong muon", "khong de lai", "bo qua a", "khong a"})
YES_WORDS = frozenset({"co", "dong y", "ok", "oke", "okay", "uh", "u", "vang", "da", "da vang", "duoc", "dong y a",
                       "co a", "vang a", "yes", "dc", "dong y nhe", "chac chan"})
NO_WORDS = frozenset({"khong", "ko", "k", "khong dong y", "no", "khong a", "thoi khong", "khong muon"})

CANCEL_BUTTON = Button("Huỷ", CANCEL)
CHANNEL_PLACES = {"telegram": "Telegram", "zalo": "Zalo"}
"""Where the team's answer reaches the citizen, by channel (the web widget: "this chat window")."""


@dataclass(frozen=True)
class SlotCheck:
    """The value to store for a form answer (None: ask again) and what to tell the citizen."""

    value: Any
    messages: list[Message] = field(default_factory=list)


SEND_THIS_BUTTON = "Gửi câu hỏi này"


def ask_question_message(pending: str | None) -> Message:
    """Shows the question the form will send, to confirm or replace; without one, asks what to pass on."""
    if not pending:
        return Message("Bạn muốn hỏi Tổ công nghệ số cộng đồng điều gì? Bạn gõ câu hỏi giúp tôi nhé.",
                       [CANCEL_BUTTON])
    limit = ESCALATION_PENDING_SHOWN_CHARS
    shown = pending if len(pending) <= limit else pending[:limit - 1] + "…"
    return Message(f"Tôi sẽ chuyển câu hỏi này cho Tổ công nghệ số cộng đồng:\n\"{shown}\"\n"
                   f"Bạn bấm \"{SEND_THIS_BUTTON}\", hoặc gõ câu hỏi khác mà bạn muốn gửi.",
                   [Button(SEND_THIS_BUTTON, AFFIRM), CANCEL_BUTTON])


def ask_commune_message() -> Message:
    """Asks where the citizen lives."""
    return Message("Bạn đang sống ở xã/phường nào? Tôi sẽ gửi câu hỏi tới Tổ công nghệ số cộng đồng ở đó "
                   "(ví dụ: \"xã Tân Lập\" hoặc \"tan lap\").", [CANCEL_BUTTON])


OTHER_COMMUNE_BUTTON = "Chọn xã khác"


def confirm_commune_message(commune: Commune) -> Message:
    """Asks only to confirm the commune already known (the page's own commune, or the one the citizen gave
    before), with a way to choose another."""
    return Message(f"Bạn ở {commune.name} phải không? Tôi sẽ gửi câu hỏi tới {commune.team.name}.",
                   [Button(f"Có, {commune.name}", commune_payload(commune.code)), Button(OTHER_COMMUNE_BUTTON, DENY),
                    CANCEL_BUTTON])


def ask_phone_message() -> Message:
    """Asks for an optional mobile number."""
    return Message("Nếu muốn cán bộ gọi lại, bạn để lại số điện thoại di động (ví dụ: 0912 345 678). "
                   "Không muốn để số thì bạn bấm \"Bỏ qua\".", [Button("Bỏ qua", SKIP_PHONE), CANCEL_BUTTON])


def ask_consent_message(commune: Commune | None, phone: str | None, channel: str) -> Message:
    """Asks consent to share the question (and number) with the commune's team."""
    team = commune.team.name if commune else ANY_TEAM
    shared = "câu hỏi của bạn" + (f" và số điện thoại {mask_phone(phone)}" if phone else "")
    where = CHANNEL_PLACES.get(channel, "khung trò chuyện này")
    return Message(f"{team} sẽ xem {shared} để trả lời bạn qua {where}. Bạn có đồng ý không?",
                   [Button("Đồng ý", AFFIRM), Button("Không đồng ý", DENY)])


def check_question(value: Any, pending: str | None = None, confirmed: bool = False) -> SlotCheck:
    """The question to pass on: the proposed one when the citizen confirmed it, else the text they typed (any
    non-empty text, shortened when very long)."""
    if confirmed:
        if pending:
            return SlotCheck(" ".join(pending.split())[:ESCALATION_QUESTION_CHARS])
        return SlotCheck(None, [ask_question_message(None)])
    text = " ".join(str(value or "").split())
    if fold(text) in NO_WORDS | SKIP_WORDS:
        return SlotCheck(None, [Message("Bạn gõ câu hỏi muốn gửi cho Tổ công nghệ số cộng đồng, hoặc bấm \"Huỷ\" "
                                        "nếu không muốn gửi nữa.", [CANCEL_BUTTON])])
    if not any(c.isalpha() for c in text):
        return SlotCheck(None, [Message("Bạn gõ câu hỏi bằng chữ giúp tôi nhé.")])
    return SlotCheck(text[:ESCALATION_QUESTION_CHARS])


def check_commune(value: Any, communes: Sequence[Commune], known: Commune | None = None,
                  intent: str | None = None) -> SlotCheck:
    """The commune code for a typed name or a pressed button; buttons when several communes match. When the form
    offered to confirm the `known` commune, a yes (`intent` "affirm") is that commune and "Chọn xã khác" ("deny")
    asks for the name."""
    if known is not None and intent == "affirm":
        return SlotCheck(known.code)
    if intent == "deny":
        return SlotCheck(None, [ask_commune_message()])
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


@dataclass(frozen=True)
class FilledForm:
    """The escalation form as the conversation left it."""

    channel: Channel
    chat_id: str
    question: str
    commune: Commune | None
    phone: str | None
    """A mobile number, or None when skipped."""
    consent: bool
    topic: str | None
    transcript: list[tuple[Speaker, str]]


@dataclass(frozen=True)
class ServiceTimes:
    """What the citizen is told about when the team acts (the escalation settings)."""

    claim_hours: float
    """`ESCALATION_REMIND_AFTER_HOURS`: the team is reminded of a ticket nobody claimed after this."""
    overdue_hours: float
    """`ESCALATION_OVERDUE_AFTER_HOURS`: the provincial ICT department sees it as overdue after this."""


def create_escalation(form: FilledForm, submit: Submit, service: ServiceTimes) -> Outcome:
    """Pass the question to the commune's team and give the citizen the ticket code with what happens next and
    when; without consent nothing is sent. A failure to store it is apologised for (the citizen may try again),
    never raised. The commune is remembered for the next escalation of the conversation."""
    if not form.consent:
        return Outcome([Message("Vâng, tôi chưa gửi câu hỏi đi. Khi cần, bạn cứ nhắn \"gặp cán bộ\" nhé.")],
                       dict(RESET))
    request = EscalationRequest(
        channel=form.channel, chat_id=form.chat_id, question=form.question, transcript=form.transcript,
        commune_code=form.commune.code if form.commune else "", phone=form.phone, consent=True, topic=form.topic,
    )
    try:
        code = submit(request)
    except Exception:
        logger.exception("could not create an escalation")
        return Outcome([Message("Xin lỗi, tôi chưa gửi được câu hỏi do trục trặc kỹ thuật. "
                                "Bạn vui lòng nhắn \"gặp cán bộ\" để thử lại sau ít phút nhé.")], dict(RESET))
    team = form.commune.team.name if form.commune else ANY_TEAM
    where = CHANNEL_PLACES.get(form.channel, "khung trò chuyện này")
    return Outcome([Message(
        f"Tôi đã chuyển câu hỏi của bạn tới {team}.\nMã phiếu của bạn: {code}\n"
        "Tiếp theo: cán bộ của Tổ sẽ nhận phiếu và trả lời bạn. "
        f"Nếu sau {service.claim_hours:g} giờ chưa có cán bộ nhận, Tổ được nhắc; sau {service.overdue_hours:g} giờ, "
        "cơ quan chuyển đổi số của tỉnh được báo để đôn đốc. "
        f"Câu trả lời sẽ được nhắn cho bạn qua {where}. "
        "Muốn xem tình trạng, bạn nhắn \"phiếu của tôi\" nhé.", [Button("Phiếu của tôi", MY_TICKETS)])],
        {**RESET, "ticket_code": code, HOME_COMMUNE_SLOT: request.commune_code or None})


def decline_offer() -> Outcome:
    """The citizen does not want the question passed on."""
    return Outcome([Message("Vâng ạ. Bạn có thể hỏi lại theo cách khác, hoặc chọn chủ đề bằng cách nhắn "
                            "\"menu\". Khi cần cán bộ giúp, bạn nhắn \"gặp cán bộ\" nhé.")], {"offer": None})


def cancel(form_was_active: bool) -> Outcome:
    """"Thôi" / "huỷ": the form stopped (nothing was sent), or whatever was pending."""
    if form_was_active:
        text = "Vâng, tôi đã huỷ và chưa gửi câu hỏi đi. Bạn cần hỏi gì khác cứ nhắn cho tôi nhé."
    else:
        text = "Vâng ạ. Bạn cần hỏi gì cứ nhắn cho tôi nhé."
    return Outcome([Message(text)], dict(RESET))
