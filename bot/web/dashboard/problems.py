"""Validation problems of the knowledge base, said in Vietnamese for the people editing entries."""

from __future__ import annotations

import re

from bot.knowledge.store import Problem

_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"has (\d+) alternates, needs at least (\d+)"),
     "Cần ít nhất {1} cách hỏi khác (hiện có {0}): thêm mỗi cách hỏi một dòng."),
    (re.compile(r"has no source_url"), "Cần đường dẫn nguồn chính thống (https://…)."),
    (re.compile(r"source_url is not https"), "Đường dẫn nguồn phải bắt đầu bằng https://."),
    (re.compile(r"not a URL"), "Đường dẫn nguồn không hợp lệ (ví dụ đúng: https://dichvucong.gov.vn)."),
    (re.compile(r"same question as entry '([^']+)'"), "Câu hỏi trùng với mục «{0}» đã có."),
    (re.compile(r"question nearly duplicates entry '([^']+)'"),
     "Câu hỏi gần giống mục «{0}»: kiểm tra xem có trùng không."),
    (re.compile(r"duplicate id"), "Mã mục này đã được dùng cho mục khác."),
    (re.compile(r"an alternate only repeats the question"), "Có cách hỏi khác chỉ lặp lại câu hỏi chính."),
    (re.compile(r"unknown related id '([^']+)'"), "Mục liên quan «{0}» không tồn tại."),
    (re.compile(r"an existing entry keeps its topic '([^']+)'"), "Mục đã có giữ nguyên chủ đề «{0}»."),
    (re.compile(r"unknown topic '([^']+)'"), "Chủ đề «{0}» không có trong danh sách."),
    (re.compile(r"question: String should have at least"), "Câu hỏi quá ngắn."),
    (re.compile(r"question: String should have at most"), "Câu hỏi quá dài (tối đa 500 ký tự)."),
    (re.compile(r"answer: String should have at least"), "Cần nội dung câu trả lời."),
    (re.compile(r"answer: String should have at most"), "Câu trả lời quá dài (tối đa 20.000 ký tự)."),
    (re.compile(r"alternates: Value error, contains an empty item"), "Có dòng cách hỏi khác bị trống."),
]


def describe(problem: Problem) -> str:
    """The problem in Vietnamese (the original text when it is not one of the known kinds)."""
    for pattern, text in _MESSAGES:
        match = pattern.search(problem.message)
        if match:
            return text.format(*match.groups())
    return f"Chưa hợp lệ: {problem.message}"
