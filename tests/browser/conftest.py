"""The browser of the Playwright tests: Debian's chromium, headless, launched once per test module.

Module scope, not session: Playwright's sync API keeps an event loop running while its browser is open,
and the asyncio tests of later modules cannot start theirs then.

Test modules mark themselves with `requires_chromium` so that they are skipped, with the reason, on a
machine where `scripts/setup.sh` could not install chromium.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.chromium import CHROMIUM, LAUNCH_ARGS


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, driven by Playwright."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()
