"""Steps of a citizen in the widget, shared by the browser tests and `make screenshots`: find an element in the
widget's shadow root, type a message or press a button, and read the assistant's replies to it."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

REPLY_TIMEOUT_MS = 60_000
"""How long a step waits for the assistant's reply (a loaded machine, Rasa's first answer)."""


def widget(page: Page, selector: str) -> Locator:
    """A locator inside the widget's shadow root."""
    return page.locator(f"#trolyso-widget {selector}")


def replies_to(page: Page, act: Callable[[], object]) -> str:
    """Do `act` (type or click) and return the text of the assistant's replies to it."""
    replies = widget(page, ".msg.bot")
    before = replies.count()
    act()
    expect(replies.nth(before)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(widget(page, ".typing")).to_be_hidden(timeout=REPLY_TIMEOUT_MS)
    return "\n".join(replies.all_inner_texts()[before:])


def type_message(page: Page, text: str) -> str:
    """Type `text` in the widget, send it, and return the replies."""
    return replies_to(page, lambda: (widget(page, "#tls-input").fill(text), widget(page, "#tls-input").press("Enter")))


def click_choice(page: Page, title: str, nth: int = -1) -> str:
    """Press the enabled widget button whose title is exactly `title` (the newest by default; "Đồng ý" never
    matches "Không đồng ý"), and return the replies."""
    exact = re.compile(rf"^\s*{re.escape(title)}\s*$")
    return replies_to(page, lambda: widget(page, ".choice:not([disabled])").filter(has_text=exact).nth(nth).click())
