"""The Vietnamese names of the codes that pages and exports show: ticket statuses, channels, topics."""

from __future__ import annotations

from bot.knowledge.schema import PROGRAMME_TOPICS, TOPIC_FILES

STATUS_NAMES = {"open": "Chờ nhận", "claimed": "Đang xử lý", "answered": "Đã trả lời", "closed": "Đã đóng",
                "cancelled": "Đã huỷ"}
CHANNEL_NAMES = {"web": "Trang web (widget)", "telegram": "Telegram", "zalo": "Zalo"}


def topic_code(topic: str | None) -> str:
    """A knowledge topic (`public_services`) from a topic or an escalation's guess written as a file name
    (`dich_vu_cong`); "" when there is none."""
    if not topic:
        return ""
    return TOPIC_FILES.get(f"{topic}.yml", topic)


def topic_name(topic: str | None) -> str:
    """The Vietnamese name of a topic, also for an escalation's guess written as a file name ("dich_vu_cong")."""
    if not topic:
        return "—"
    return PROGRAMME_TOPICS.get(topic_code(topic), topic)
