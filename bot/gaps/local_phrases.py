"""What a team's answer says to one citizen and no knowledge entry should: greetings, thanks, the team's own schedule.

A team answers one person ("Chào bác, …", "sáng thứ Bảy tổ có mặt ở nhà văn hoá…"); a knowledge entry answers
every citizen of the province at any time. A draft made from a team answer drops the greeting, the closing
wishes and the sentences about when the team is present, and flags the other sentences that name a day or an
hour, for the reviewer to rewrite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_WHO = r"(?:bác|anh chị|anh|chị|em|cô|chú|ông|bà|bạn|cháu|cụ|các bác|mọi người)"
_GREETING = re.compile(rf"^\s*(?:dạ\s*,?\s*)?(?:xin\s+)?chào\s+{_WHO}(?:\s+[A-ZĐ][\wÀ-ỹ]*)?\s*[,.!:;-]*\s*",
                       re.IGNORECASE)
_CLOSING = re.compile(rf"^\s*(?:chúc\s+{_WHO}|(?:xin\s+)?c[ảá]m\s+ơn|thân\s+ái|trân\s+trọng)", re.IGNORECASE)
_TEAM_PRESENCE = re.compile(r"\btổ\s+(?:sẽ\s+|vẫn\s+|thường\s+)?(?:có\s+mặt|trực|ngồi|hỗ\s+trợ\s+trực\s+tiếp)",
                            re.IGNORECASE)
_SCHEDULE = re.compile(
    r"\b(?:(?:sáng|chiều|trưa|tối)\s+(?:nay|mai|thứ\s+\w+|chủ\s+nhật)|thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])"
    r"|chủ\s+nhật|ngày\s+mai|hôm\s+nay|tuần\s+(?:này|sau)|\d{1,2}\s*(?:h|giờ)(?:\s*\d{2})?\b)",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass
class LocalPhrases:
    """A team answer made general: the text kept, what was removed, and sentences to rewrite."""

    text: str
    removed: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def general_answer(answer: str) -> LocalPhrases:
    """`answer` without its greeting, closing wishes and the team's schedule; other dated sentences flagged."""
    result = LocalPhrases("")
    paragraphs = []
    for paragraph in answer.replace("\r", "").split("\n"):
        kept = []
        for sentence in _SENTENCE_END.split(paragraph.strip()):
            greeting = _GREETING.match(sentence)
            if greeting and greeting.end() > 0:
                result.removed.append(sentence[:greeting.end()].strip())
                sentence = _capitalised(sentence[greeting.end():])
            if not sentence.strip():
                continue
            if _CLOSING.match(sentence) or _TEAM_PRESENCE.search(sentence):
                result.removed.append(sentence.strip())
                continue
            if _SCHEDULE.search(sentence):
                result.flagged.append(sentence.strip())
            kept.append(sentence.strip())
        paragraphs.append(" ".join(kept))
    result.text = re.sub(r"\n{3,}", "\n\n", "\n".join(paragraphs)).strip()
    return result
