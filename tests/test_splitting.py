"""Splitting long answers under a channel's length limit (Telegram's 4,096 UTF-16 units here)."""

from __future__ import annotations

from bot.limits import TELEGRAM_MESSAGE_UTF16
from bot.splitting import split_message, utf16_len

LIMIT = TELEGRAM_MESSAGE_UTF16


def paragraphs(count: int, length: int) -> list[str]:
    """`count` distinct paragraphs of about `length` characters, Vietnamese words."""
    return [f"Đoạn {n}: " + ("bà con cài ứng dụng VNeID " * (length // 26 + 1))[:length].strip() + "."
            for n in range(count)]


def test_short_text_is_one_chunk():
    assert split_message("  Xin chào bạn!  ", LIMIT) == ["Xin chào bạn!"]


def test_blank_text_gives_no_chunk():
    assert split_message(" \n\n \t", LIMIT) == []


def test_5000_characters_split_on_paragraph_boundaries():
    parts = paragraphs(10, 490)
    text = "\n\n".join(parts)
    assert 5000 <= len(text) <= 5100
    chunks = split_message(text, LIMIT)
    assert len(chunks) == 2
    assert all(utf16_len(c) <= LIMIT for c in chunks)
    # every chunk is made of whole paragraphs, in order, nothing lost
    assert [p for c in chunks for p in c.split("\n\n")] == parts
    assert utf16_len(chunks[0]) > LIMIT - 500  # the first chunk is filled before breaking


def test_long_paragraph_splits_on_lines_then_words():
    lines = [f"Bước {n}: mở ứng dụng và bấm nút tiếp tục" for n in range(6)]
    chunks = split_message("\n".join(lines), limit=100)
    assert all(utf16_len(c) <= 100 for c in chunks)
    assert [line for c in chunks for line in c.split("\n")] == lines

    words = ("một hai ba bốn năm sáu bảy tám chín mười " * 5).split()
    chunks = split_message(" ".join(words), limit=30)
    assert all(utf16_len(c) <= 30 for c in chunks)
    assert [w for c in chunks for w in c.split(" ")] == words  # no word was cut


def test_word_longer_than_limit_is_cut_by_characters():
    assert split_message("x" * 120, limit=50) == ["x" * 50, "x" * 50, "x" * 20]


def test_length_is_counted_in_utf16_units_and_surrogate_pairs_stay_whole():
    assert utf16_len("😀") == 2 and utf16_len("ệ") == 1
    assert split_message("😀😀😀", limit=5) == ["😀😀", "😀"]
    chunks = split_message("😀 " * 3000, LIMIT)
    assert all(utf16_len(c) <= LIMIT for c in chunks) and len(chunks) == 3


def test_windows_line_breaks_and_spaced_blank_lines_count_as_paragraphs():
    assert split_message("một\r\n  \r\nhai", limit=4) == ["một", "hai"]
