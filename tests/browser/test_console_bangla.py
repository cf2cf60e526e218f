"""The staff console in Bangla, in Chromium with no Bengali font installed on the system.

The console serves the Noto Sans Bengali font the widget ships; this checks
glyph coverage (which font Chromium drew each character of a Bangla patient
message and of the pages' headings), not pixels, and saves screenshots of the queue,
the log, a conversation, the review of one and the dashboard (`make screenshots`).
"""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.console.strings import STRINGS
from bot.privacy import conversation_label
from tests.browser.conftest import screenshot
from tests.browser.glyphs import SERVED_FONT, assert_bangla_drawn_with_served_font
from tests.console.conftest import (  # noqa: F401
    PASSWORD,
    WEB_PATIENT,
    WHATSAPP_PATIENT,
    Console,
    console,
    fake_rasa,
)
from tests.console.english_leftovers import english_leftovers, readable_text

pytestmark = pytest.mark.parametrize("console", ["sqlite"], indirect=True, scope="module")

BANGLA_MESSAGE = "অপারেশনের পর খুব জ্বর আর সেলাই থেকে পুঁজ বের হচ্ছে"
BN = STRINGS["bn"]
# Stored data the console shows as it is: staff names and conversation labels.
DATA = ("Nurse Rahima", conversation_label(WEB_PATIENT), conversation_label(WHATSAPP_PATIENT))


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


def assert_heading_in_served_font(page: Page, heading: str) -> None:
    """The page's heading is visible and its Bangla drawn with the served font."""
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
    page.evaluate("document.fonts.ready.then(() => true)")
    assert_bangla_drawn_with_served_font(page, "main h1", page.locator("main h1").inner_text())


def assert_no_english_left(page: Page) -> None:
    """What the page shows now (the script's redrawn rows included) has no table English."""
    leftovers = english_leftovers(readable_text(page.content()), DATA)
    assert not leftovers, (page.url, sorted(leftovers))


def test_a_bangla_conversation_reads_in_the_bangla_console(
    staff_page: Page,
    console: Console,  # noqa: F811
) -> None:
    page = staff_page
    page.get_by_role("link", name="বাংলা").click()
    expect(page.get_by_role("heading", name=BN["queue.title"])).to_be_visible()
    # The queue's rows as the script redraws them every few seconds, named in Bangla.
    expect(page.locator("#queue-rows tr.urgent td").nth(4)).to_have_text(BN["reason.urgent"])
    expect(page.locator("#queue-count")).to_have_text("2")
    assert_heading_in_served_font(page, BN["queue.title"])
    assert_no_english_left(page)
    screenshot(page, "console-bangla-queue")

    page.get_by_role("link", name=BN["queue.open"]).first.click()
    message = page.locator(".msg.patient .text", has_text=BANGLA_MESSAGE)
    expect(message).to_be_visible()
    expect(page.get_by_role("button", name=BN["handoff.take_over"])).to_be_visible()
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate(f"document.fonts.check('16px \"{SERVED_FONT}\"', '{BANGLA_MESSAGE}')")
    loaded = page.evaluate(
        "family => [...document.fonts].filter(f => f.family.replace(/\"/g, '') === family"
        " && f.status === 'loaded').length",
        SERVED_FONT,
    )
    assert loaded >= 1
    # Every Bangla glyph of the patient's message came from the served font.
    assert_bangla_drawn_with_served_font(page, ".msg.patient .text", BANGLA_MESSAGE)
    # The console's own Bangla labels too.
    title = BN["transcript.title"]
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert_bangla_drawn_with_served_font(page, "section[aria-label] > h2", title)
    assert_no_english_left(page)
    screenshot(page, "console-bangla-conversation")


def test_the_log_review_and_dashboard_read_in_bangla(
    staff_page: Page,
    console: Console,  # noqa: F811
) -> None:
    page = staff_page
    page.goto(f"{console.url}/staff/language?lang=bn&next=/staff/log")
    assert_heading_in_served_font(page, BN["log.title"])
    expect(page.locator("table.log tbody tr")).to_have_count(2)
    assert_no_english_left(page)
    screenshot(page, "console-bangla-log")

    # Reviewing: a misunderstood message corrected, in the conversation's review part.
    page.locator("table.log a[href*='web0patient']").click()
    page.locator("select[name=correct_key]").first.select_option("faq/vro_what_is")
    page.get_by_role("button", name=BN["transcript.save_correction"]).first.click()
    expect(page.locator(".notice")).to_have_text(BN["message.correction_saved"])
    expect(page.locator(".tag.ok").first).to_contain_text(BN["transcript.corrected_to"])
    assert_heading_in_served_font(page, BN["conversation.title"].format(label=DATA[1]))
    assert_bangla_drawn_with_served_font(page, ".notice", BN["message.correction_saved"])
    assert_no_english_left(page)
    screenshot(page, "console-bangla-review")

    page.get_by_role("link", name=BN["nav.dashboard"]).click()
    assert_heading_in_served_font(page, BN["dashboard.title"].format(days=14))
    expect(page.locator("svg[role=img]")).to_have_count(2)
    assert_bangla_drawn_with_served_font(page, "main section h2", BN["dashboard.top_topics"])
    # The chart's own Bangla (the months under the bars) too, not only the page's.
    axis_label = "svg[aria-labelledby^='per-day'] > text"
    month = page.locator(axis_label).last.text_content() or ""
    assert month.split()[-1] in BN["chart.months"].split()
    assert_bangla_drawn_with_served_font(page, axis_label, month)
    assert_no_english_left(page)
    screenshot(page, "console-bangla-dashboard")
