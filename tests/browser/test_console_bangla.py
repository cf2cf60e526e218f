"""The staff console in Bangla, in Chromium with no Bengali font installed on the system.

The console serves the Noto Sans Bengali font the widget ships; this checks
glyph coverage (which font Chromium drew each character of a Bangla patient
message with), not pixels, and saves a screenshot for people to look at.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterator, List, Optional

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.console.strings import STRINGS
from tests.browser.conftest import screenshot
from tests.console.conftest import (  # noqa: F401
    PASSWORD,
    WHATSAPP_PATIENT,
    Console,
    console,
    fake_rasa,
)

pytestmark = pytest.mark.parametrize("console", ["sqlite"], indirect=True, scope="module")

BANGLA_MESSAGE = "অপারেশনের পর খুব জ্বর আর সেলাই থেকে পুঁজ বের হচ্ছে"
FONT = "Noto Sans Bengali"
BANGLA_CHARACTER = re.compile("[\u0980-\u09ff\u200c\u200d]")


@pytest.fixture
def staff_page(console: Console, browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="bn-BD")
    page = context.new_page()
    page.goto(f"{console.url}/staff/")
    page.get_by_label("Username").fill("nurse")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Live queue")).to_be_visible()
    yield page
    context.close()


def fonts_drawing(page: Page, selector: str) -> List[Dict[str, Any]]:
    """The fonts Chromium used for the text of the first element matching ``selector``."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    text_node = cdp.send("DOM.describeNode", {"nodeId": node, "depth": 1})["node"]
    assert text_node["childNodeCount"] >= 1
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def assert_bangla_drawn_with_served_font(page: Page, selector: str, shown: Optional[str]) -> None:
    """Other fonts drew at most the element's non-Bangla characters (spaces, digits...)."""
    shown = shown if shown is not None else page.locator(selector).first.inner_text()
    fonts = fonts_drawing(page, selector)
    others = sum(f["glyphCount"] for f in fonts if f["familyName"] != FONT)
    assert any(f["familyName"] == FONT and f["isCustomFont"] for f in fonts), fonts
    assert others <= len(BANGLA_CHARACTER.sub("", shown)), fonts


def test_a_bangla_conversation_reads_in_the_bangla_console(
    staff_page: Page,
    console: Console,  # noqa: F811
) -> None:
    page = staff_page
    page.get_by_role("link", name="বাংলা").click()
    expect(page.get_by_role("heading", name=STRINGS["bn"]["queue.title"])).to_be_visible()
    page.get_by_role("link", name=STRINGS["bn"]["queue.open"]).first.click()
    message = page.locator(".msg.patient .text", has_text=BANGLA_MESSAGE)
    expect(message).to_be_visible()
    expect(page.get_by_role("button", name=STRINGS["bn"]["handoff.take_over"])).to_be_visible()
    page.evaluate("document.fonts.ready.then(() => true)")

    assert page.evaluate(f"document.fonts.check('16px \"{FONT}\"', '{BANGLA_MESSAGE}')")
    loaded = page.evaluate(
        "family => [...document.fonts].filter(f => f.family.replace(/\"/g, '') === family"
        " && f.status === 'loaded').length",
        FONT,
    )
    assert loaded >= 1
    # Every Bangla glyph of the patient's message came from the served font.
    assert_bangla_drawn_with_served_font(page, ".msg.patient .text", BANGLA_MESSAGE)
    # The console's own Bangla labels too.
    title = STRINGS["bn"]["transcript.title"]
    assert_bangla_drawn_with_served_font(page, "section[aria-label] > h2", None)
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    screenshot(page, "console-bangla-conversation")
