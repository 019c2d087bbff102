"""Several questions in one message: "quên mật khẩu vneid thì sao, với lại lương cơ sở năm nay bao nhiêu?"."""

from __future__ import annotations

import re

from bot.conversation.followup import has_own_subject
from bot.retrieval.salience import salient_syllables
from bot.text import fold

MIN_PART_SUBJECT_WORDS = 2
"""A part needs this many salient syllables to be a question of its own (not "còn nữa ạ?")..."""
MIN_PART_WORDS = 4
"""...and this many words (not the tail "trợ cấp?" of a sentence cut by a stray question mark)."""

_ASKER = r"(?:em|tôi|toi|mình|minh|cháu|chau|con|tui)"
_ASK = rf"(?:\s*,?\s*cho\s+(?:{_ASKER}\s+)?(?:hỏi|hoi)(?:\s+(?:luôn|luon|thêm|them|với|voi))?)?"
"""An optional "cho em hỏi (luôn/thêm)" after a joining phrase, cut away with it."""
_JOINS = (
    r"\?+",
    r"[;\n]+",
    r",?\s*(?:với lại|voi lai|vs lai|tiện thể|tien the|tiện đây|tien day|nhân tiện|nhan tien|ngoài ra|ngoai ra"
    r"|thêm nữa|them nua|còn nữa|con nua|một việc nữa|mot viec nua|một chuyện nữa|mot chuyen nua"
    r"|tiện hỏi luôn|tien hoi luon|tiện hỏi|tien hoi|hỏi luôn|hoi luon)\b" + _ASK,
    rf",?\s*(?:cho\s+{_ASKER}\s+)?(?:hỏi|hoi)\s+(?:thêm|them|luôn|luon)\b",
    r",\s*(?:và|va|còn|rồi|roi)\s+(?=(?:cho\s+\w+\s+hỏi|cho\s+\w+\s+hoi|\w+\s+\w+))",
)
_SPLIT = re.compile("|".join(f"(?:{j})" for j in _JOINS), re.IGNORECASE)


def question_parts(text: str) -> list[str]:
    """The questions of a message, in order; one part when it holds a single question.

    Parts are cut at question marks, semicolons, line breaks and joining phrases ("với lại", "tiện thể cho
    hỏi", ", và …"); a piece too short to be a question, or without a subject of its own ("và mang theo những
    gì?"), stays with the question before it.
    """
    pieces = [p.strip(" ,.!") for p in _SPLIT.split(text) if p and p.strip(" ,.!")]
    parts: list[str] = []
    for piece in pieces:
        if parts and (not _is_question(piece) or not _is_question(parts[-1])):
            parts[-1] = f"{parts[-1]}, {piece}"
        else:
            parts.append(piece)
    return parts or [text.strip()]


def _is_question(piece: str) -> bool:
    folded = fold(piece).split()
    return (len(folded) >= MIN_PART_WORDS and len(salient_syllables(folded)) >= MIN_PART_SUBJECT_WORDS
            and has_own_subject(folded))
