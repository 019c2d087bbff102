"""Where the browser tests find Debian's chromium, how they launch it, and where screenshots go."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
requires_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is missing (/usr/bin/chromium): run scripts/setup.sh")
