"""Where the browser is and why browser tests would be skipped (imported by the e2e conftest and test modules)."""
from __future__ import annotations

import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Flags that work on this project's machines and CI (no sandbox as root, no network side traffic).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def missing() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -r requirements-dev.txt)"
    if not os.path.exists(CHROMIUM):
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)"
    return ""


SKIP_REASON = missing()
browser_tests = [pytest.mark.e2e,
                 pytest.mark.skipif(bool(SKIP_REASON), reason=f"browser tests skipped: {SKIP_REASON}")]
