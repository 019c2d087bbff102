"""Splitting long answers under Telegram's limit and rendering them as safe HTML."""

from __future__ import annotations

import pytest

from bot.channels.telegram.formatting import split_message, to_html, utf16_len
from bot.limits import TELEGRAM_MESSAGE_UTF16
from tests.fake_telegram import parse_html


def paragraphs(count: int, length: int) -> list[str]:
    """`count` distinct paragraphs of about `length` characters, Vietnamese words."""
    return [f"Đoạn {n}: " + ("bà con cài ứng dụng VNeID " * (length // 26 + 1))[:length].strip() + "."
            for n in range(count)]


def test_short_text_is_one_chunk():
    assert split_message("  Xin chào bạn!  ") == ["Xin chào bạn!"]


def test_blank_text_gives_no_chunk():
    assert split_message(" \n\n \t") == []


def test_5000_characters_split_on_paragraph_boundaries():
    parts = paragraphs(10, 490)
    text = "\n\n".join(parts)
    assert 5000 <= len(text) <= 5100
    chunks = split_message(text)
    assert len(chunks) == 2
    assert all(utf16_len(c) <= TELEGRAM_MESSAGE_UTF16 for c in chunks)
    # every chunk is made of whole paragraphs, in order, nothing lost
    assert [p for c in chunks for p in c.split("\n\n")] == parts
    assert utf16_len(chunks[0]) > TELEGRAM_MESSAGE_UTF16 - 500  # the first chunk is filled before breaking


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
    chunks = split_message("😀 " * 3000)
    assert all(utf16_len(c) <= TELEGRAM_MESSAGE_UTF16 for c in chunks) and len(chunks) == 3


def test_windows_line_breaks_and_spaced_blank_lines_count_as_paragraphs():
    assert split_message("một\r\n  \r\nhai", limit=4) == ["một", "hai"]


def test_html_is_escaped():
    text = 'Gõ <b>đậm</b> & "trích" <script>alert(1)</script>'
    rendered = to_html(text)
    assert "<b>" not in rendered and "<script>" not in rendered
    assert parse_html(rendered) == (text, [])


@pytest.mark.parametrize(
    ("text", "href", "after"),
    [
        ("Xem tại https://dichvucong.gov.vn/p/home/dvc.html.", "https://dichvucong.gov.vn/p/home/dvc.html", "."),
        ("(nguồn: https://vssid.vn)", "https://vssid.vn", ")"),
        ("https://vi.wikipedia.org/wiki/OCOP_(VN), rồi", "https://vi.wikipedia.org/wiki/OCOP_(VN)", ", rồi"),
        ("Tra cứu http://a.vn/?x=1&y=<2>", "http://a.vn/?x=1&y=", "<2>"),
    ],
)
def test_urls_become_links_without_trailing_punctuation(text: str, href: str, after: str):
    rendered = to_html(text)
    visible, links = parse_html(rendered)
    assert visible == text  # the citizen sees exactly the text
    assert links == [href]
    assert rendered.endswith(to_html(after))


def test_ampersand_in_url_is_escaped_in_the_attribute():
    assert to_html("https://a.vn/?a=1&b=2") == '<a href="https://a.vn/?a=1&amp;b=2">https://a.vn/?a=1&amp;b=2</a>'


@pytest.mark.parametrize("text", ["javascript:alert(1)", "https://", "https://.", "[bấm](javascript:x)",
                                  "ftp://a.vn/tep", "http://[::1"])
def test_only_web_urls_with_a_host_are_linked(text: str):
    assert parse_html(to_html(text)) == (text, [])
