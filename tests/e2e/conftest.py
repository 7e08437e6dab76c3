"""End-to-end tests: Django's live server and Debian's Chromium driven by Playwright (headless).

They are skipped, with the reason, when the `playwright` package or the browser is missing. The browser is the
system's (`apt-get install chromium`), never one Playwright downloads: CHROMIUM_PATH overrides /usr/bin/chromium.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from .browser import CHROMIUM, CHROMIUM_ARGS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "till"


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module. While Playwright's sync API runs, an asyncio loop sits on the test
    thread and Django would refuse the test's own ORM calls (setup, checks, flush): allowed for that time only.
    The application itself runs in the live server's thread, where no loop is."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, base_url=live_server.url,
                                  locale="en-GB")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shot():
    """shot(page, "01-login") saves docs/screenshots/till/01-login.png (linked from docs/till.md)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    return take
