"""Playwright driving Debian's Chromium against the running assistant."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.conftest import PROJECT_ROOT
from tests.utils.stack import AssistantStack

SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"
AXE = PROJECT_ROOT / "widget" / "node_modules" / "axe-core" / "axe.min.js"
# Flags the workplace's closed network needs (no background connections).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSWER_TIMEOUT_MS = 30_000

expect.set_options(timeout=ANSWER_TIMEOUT_MS)


# Module scope: Playwright's sync API runs its own event loop, which must be
# gone before the asyncio tests of other folders run.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is missing: run `make browser` (make test does it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    created = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
    yield created
    created.close()


@pytest.fixture
def page(context: BrowserContext, stack: AssistantStack) -> Page:
    opened = context.new_page()
    opened.goto(stack.web_url + "/")
    return opened


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot for people to look at under results/screenshots/.

    results/ is git-ignored; the Bangla ones (make screenshots) are committed with git add -f.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
