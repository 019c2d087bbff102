"""The knowledge entry schema: the single source of truth for every knowledge file."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,79}$"
TOPIC_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"

PROGRAMME_TOPICS: dict[str, str] = {
    "public_services": "Dịch vụ công trực tuyến",
    "cashless_payment": "Thanh toán không dùng tiền mặt",
    "health_insurance": "Bảo hiểm y tế điện tử",
    "ocop_ecommerce": "Bán sản phẩm OCOP trên sàn thương mại điện tử",
    "digital_skills": "Kỹ năng số",
}
"""Topics of the curated knowledge base and their Vietnamese names, in menu order."""

TOPIC_FILES: dict[str, str] = {
    "dich_vu_cong.yml": "public_services",
    "thanh_toan_so.yml": "cashless_payment",
    "bhyt_dien_tu.yml": "health_insurance",
    "ocop_tmdt.yml": "ocop_ecommerce",
    "ky_nang_so.yml": "digital_skills",
}
"""The curated file that holds each topic."""

MIN_ALTERNATES = 3
TITLE_MAX_CHARS = 36
"""A button title of this length fits on one line of a 360 px phone screen, on Telegram and in the widget."""


class KnowledgeEntry(BaseModel):
    """One question the assistant can answer, with the answer and where it comes from.

    Curated entries (`origin: curated`, the default) must be complete: at least three alternates,
    an https source and review dates. Imported entries may lack them until someone curates them.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=ID_PATTERN)
    topic: str = Field(pattern=TOPIC_PATTERN)
    question: str = Field(min_length=3, max_length=500)
    title: str | None = Field(default=None, min_length=3, max_length=TITLE_MAX_CHARS)
    """Short display title for buttons (the question itself when it is short enough)."""
    alternates: list[str] = Field(default_factory=list)
    answer: str = Field(min_length=1, max_length=20_000)
    source_url: str | None = None
    reviewed_on: date | None = None
    review_by: date | None = None
    review_note: str | None = Field(default=None, max_length=2_000)
    """What the last review checked, against which official document or page, and what could not be verified."""
    tags: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    origin: Literal["curated", "imported"] = "curated"
    merged_ids: list[str] = Field(default_factory=list)
    """Ids of imported entries merged into this one because they had the same answer."""

    @field_validator("alternates", "tags", "related", "merged_ids")
    @classmethod
    def _no_blank_items(cls, values: list[str]) -> list[str]:
        cleaned = [v.strip() for v in values]
        if any(not v for v in cleaned):
            raise ValueError("contains an empty item")
        return cleaned

    @field_validator("source_url")
    @classmethod
    def _looks_like_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[a-z]+://[^\s/]+\.[^\s]+$", value):
            raise ValueError(f"not a URL: {value!r}")
        return value

    def answers_for(self, entry_id: str) -> bool:
        """Whether this entry stands for `entry_id`: its own id or one merged into it."""
        return entry_id == self.id or entry_id in self.merged_ids

    @property
    def display_title(self) -> str:
        """What a button naming this entry shows: the short title, else the question."""
        return self.title or self.question

    def texts(self) -> list[str]:
        """The question followed by its alternates: every way of asking this entry."""
        return [self.question, *self.alternates]

    def completeness_problems(self) -> list[str]:
        """What a curated entry still lacks (empty when complete)."""
        problems = []
        if len(self.alternates) < MIN_ALTERNATES:
            problems.append(f"has {len(self.alternates)} alternates, needs at least {MIN_ALTERNATES}")
        if not self.source_url:
            problems.append("has no source_url")
        if self.reviewed_on is None or self.review_by is None:
            problems.append("lacks reviewed_on/review_by dates")
        return problems
