"""Imports question/answer pairs from a partner's spreadsheet (XLSX, CSV) or JSON lines.

The XLSX reader takes workbooks as people make them: every sheet is read; the header row is
found wherever it is (columns such as "Câu hỏi" / "Câu trả lời"); an answer continued on the
following rows is joined; section headings ("I. Nạp tiền") are recognised; a row with a question
but no answer is reported with its sheet and row number. Repeated questions are imported once;
questions that share one answer become one entry (the later questions as alternates).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.knowledge.schema import ID_PATTERN, KnowledgeEntry
from bot.knowledge.store import Problem
from bot.text import collapse_spaces, fold

QUESTION_HEADERS = {"cau hoi", "question", "questions", "hoi"}
ANSWER_HEADERS = {"cau tra loi", "tra loi", "answer", "answers", "dap an"}
OPTIONAL_COLUMNS = {"id": "id", "ma": "id", "topic": "topic", "chu de": "topic",
                    "source url": "source_url", "source_url": "source_url", "nguon": "source_url"}
SECTION_HEADING = re.compile(r"^(?:[IVXLC]+|\d+)\s*[.)-]\s*\S")
SUPPORTED_SUFFIXES = (".xlsx", ".csv", ".jsonl")


@dataclass
class ImportedPair:
    """One question and its answer as found in the source, with where it was found."""

    question: str
    answer: str
    location: str
    id: str | None = None
    topic: str | None = None
    source_url: str | None = None
    alternates: list[str] = field(default_factory=list)
    merged_ids: list[str] = field(default_factory=list)
    """Ids of pairs merged into this one because their answer was the same."""


@dataclass
class ImportReport:
    """What an import read: the pairs, the problems, and the rows it skipped as duplicates."""

    pairs: list[ImportedPair] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _is_section_heading(text: str) -> bool:
    return bool(SECTION_HEADING.match(text)) and len(text) <= 80 and "?" not in text


def _find_header(cells: Sequence[str]) -> tuple[int | None, int | None]:
    question_col = answer_col = None
    for index, cell in enumerate(cells):
        folded = fold(cell)
        if folded in QUESTION_HEADERS and question_col is None:
            question_col = index
        elif folded in ANSWER_HEADERS and answer_col is None:
            answer_col = index
    return question_col, answer_col


def _read_table(rows: Iterable[Sequence[Any]], source: str, report: ImportReport) -> None:
    """Read one sheet (or CSV) given as rows of cells; row numbers are 1-based."""
    columns: tuple[int, int] | None = None
    """(question column, answer column), once the header row is found."""
    current: ImportedPair | None = None
    pending: tuple[int, str] | None = None  # a question whose answer may start on the next row
    header_row = 0

    def flush_pending() -> None:
        nonlocal pending
        if pending is not None:
            row_number, question = pending
            report.problems.append(Problem(
                "error", source, f"row {row_number}: question without an answer: {question[:60]!r}",
                line=row_number))
            pending = None

    for row_number, row in enumerate(rows, start=1):
        cells = [_cell_text(value) for value in row]
        if columns is None:
            found_q, found_a = _find_header(cells)
            if found_q is not None and found_a is not None:
                columns, header_row = (found_q, found_a), row_number
            elif found_q is not None or found_a is not None:
                missing = "'Câu trả lời' (answer)" if found_a is None else "'Câu hỏi' (question)"
                report.problems.append(Problem(
                    "error", source, f"row {row_number}: header row has no {missing} column", line=row_number))
                return
            continue
        question_col, answer_col = columns
        question = cells[question_col] if question_col < len(cells) else ""
        answer = cells[answer_col] if answer_col < len(cells) else ""
        if question and answer:
            flush_pending()
            current = ImportedPair(question, answer, f"{source} row {row_number}")
        elif answer:
            if pending is not None:
                current = ImportedPair(pending[1], answer, f"{source} row {pending[0]}")
                pending = None
            elif current is not None:
                current.answer += "\n" + answer
                continue
            else:
                report.problems.append(Problem(
                    "error", source, f"row {row_number}: answer without a question", line=row_number))
                continue
        elif question:
            flush_pending()
            current = None
            if not _is_section_heading(question):
                pending = (row_number, question)
            continue
        else:
            continue
        report.pairs.append(current)
    flush_pending()
    if columns is None:
        report.problems.append(Problem(
            "warning", source, "no header row with 'Câu hỏi' and 'Câu trả lời' columns: sheet skipped"))
    elif header_row and not any(p.location.startswith(f"{source} row") for p in report.pairs):
        report.problems.append(Problem("warning", source, "header found but no question/answer rows"))


def read_xlsx(path: Path) -> ImportReport:
    """Read every sheet of an XLSX workbook."""
    from openpyxl import load_workbook

    report = ImportReport()
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        report.problems.append(Problem("error", str(path), f"cannot open the workbook: {exc}"))
        return report
    try:
        for sheet in workbook.worksheets:
            _read_table(sheet.iter_rows(values_only=True), f"{path.name} sheet '{sheet.title}'", report)
    finally:
        workbook.close()
    return report


def _with_optional_columns(report: ImportReport, rows: list[dict[str, str]], source: str) -> None:
    """Fill id/topic/source_url of pairs read from a CSV, from the same rows."""
    by_location = {pair.location: pair for pair in report.pairs}
    for row_number, row in enumerate(rows, start=2):
        pair = by_location.get(f"{source} row {row_number}")
        if pair is None:
            continue
        for column, value in row.items():
            target = OPTIONAL_COLUMNS.get(fold(column or ""))
            if target and value and value.strip():
                setattr(pair, target, value.strip())


def read_csv(path: Path) -> ImportReport:
    """Read a CSV file with a header row (UTF-8, with or without BOM; comma or semicolon)."""
    report = ImportReport()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        report.problems.append(Problem("error", str(path), f"cannot read as UTF-8 text: {exc}"))
        return report
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    rows = list(csv.reader(text.splitlines(), dialect))
    _read_table(rows, path.name, report)
    if rows:
        header = rows[0]
        _with_optional_columns(report, [dict(zip(header, r, strict=False)) for r in rows[1:]], path.name)
    return report


def read_jsonl(path: Path) -> ImportReport:
    """Read JSON lines with `question`, `answer` and optional `id`, `topic`, `source_url`."""
    report = ImportReport()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        report.problems.append(Problem("error", str(path), f"cannot read as UTF-8 text: {exc}"))
        return report
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            report.problems.append(Problem("error", path.name, f"line {line_number}: invalid JSON: {exc.msg}",
                                           line=line_number))
            continue
        question = _cell_text(record.get("question")) if isinstance(record, dict) else ""
        answer = _cell_text(record.get("answer")) if isinstance(record, dict) else ""
        if not question or not answer:
            report.problems.append(Problem(
                "error", path.name, f"line {line_number}: needs both 'question' and 'answer'", line=line_number))
            continue
        report.pairs.append(ImportedPair(
            question, answer, f"{path.name} line {line_number}",
            id=record.get("id"), topic=record.get("topic"), source_url=record.get("source_url")))
    return report


def read_pairs(path: Path) -> ImportReport:
    """Read pairs from an XLSX, CSV or JSONL file, by its suffix."""
    readers = {".xlsx": read_xlsx, ".csv": read_csv, ".jsonl": read_jsonl}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        report = ImportReport()
        report.problems.append(Problem(
            "error", str(path), f"unsupported file type; use one of {', '.join(SUPPORTED_SUFFIXES)}"))
        return report
    if not path.is_file():
        report = ImportReport()
        report.problems.append(Problem("error", str(path), "no such file"))
        return report
    report = reader(path)
    report.pairs = _drop_duplicates(report.pairs, report.duplicates)
    return report


def _answer_key(answer: str) -> str:
    """The answer compared without case, marks, punctuation or spacing (quotes are often retyped)."""
    return fold(answer)


def _drop_duplicates(pairs: list[ImportedPair], notes: list[str]) -> list[ImportedPair]:
    """Keep the first pair of each question; merge pairs with the same answer; drop extended copies.

    Workbooks often copy the same question into an overview sheet, or repeat it in a second
    version of a sheet: those copies are reported in `notes`, not imported twice. Two questions
    with the same answer become one entry whose alternates hold the later questions.
    """
    kept: list[ImportedPair] = []
    seen: dict[str, ImportedPair] = {}
    by_answer: dict[str, ImportedPair] = {}
    for pair in pairs:
        key = fold(pair.question)
        if key in seen:
            notes.append(f"{pair.location}: same question as {seen[key].location}")
            continue
        seen[key] = pair
        same_answer = by_answer.get(_answer_key(pair.answer))
        if same_answer is not None:
            notes.append(f"{pair.location}: same answer as {same_answer.location}; question kept as an alternate")
            same_answer.alternates.append(collapse_spaces(pair.question))
            same_answer.merged_ids.extend(i for i in (pair.id, *pair.merged_ids) if i)
            continue
        by_answer[_answer_key(pair.answer)] = pair
        kept.append(pair)
    answers = [(pair, collapse_spaces(pair.answer)) for pair in kept]
    result = []
    for pair, answer in answers:
        original = next((other for other, other_answer in answers
                         if other is not pair and answer != other_answer and answer.startswith(other_answer)),
                        None)
        if original is not None:
            notes.append(f"{pair.location}: answer repeats the answer of {original.location} and adds to it")
            continue
        result.append(pair)
    return result


def _slug(text: str, max_words: int = 6) -> str:
    return "-".join(fold(text).split()[:max_words])


def entry_id_for(pair: ImportedPair, topic: str) -> str:
    """The pair's own id when it is valid, else one derived from topic and question (stable)."""
    if pair.id and re.match(ID_PATTERN, pair.id):
        return pair.id
    digest = hashlib.sha1(fold(pair.question).encode()).hexdigest()[:6]
    return f"{topic.replace('_', '-')}-{_slug(pair.question)}-{digest}"[:72].rstrip("-")


def to_entries(pairs: list[ImportedPair], topic: str) -> list[KnowledgeEntry]:
    """Turn imported pairs into knowledge entries marked `origin: imported`."""
    return [
        KnowledgeEntry(
            id=entry_id_for(pair, topic),
            topic=pair.topic if pair.topic and re.match(r"^[a-z][a-z0-9_]+$", pair.topic) else topic,
            question=collapse_spaces(pair.question),
            answer=pair.answer.strip(),
            alternates=pair.alternates,
            merged_ids=[i for i in pair.merged_ids if re.match(ID_PATTERN, i)],
            source_url=pair.source_url,
            origin="imported",
        )
        for pair in pairs
    ]
