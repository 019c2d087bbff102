"""Rendering answers as Telegram's safe HTML."""

from __future__ import annotations

import pytest

from bot.channels.telegram.formatting import to_html
from tests.fake_telegram import parse_html


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
