"""Conversation ids with URL-reserved characters, handled in the console by a real browser.

The console's own links (the queue table console.js redraws, the urgent
alert, the transcript it polls, the forms) must lead to the conversation
and act on it, for a Twilio id (``whatsapp:+880...``) and for ids with ``/``,
``%``, ``?``, ``#``, a space or Bangla (issue 11 row 2). The web process runs
against the fake Rasa of tests/console, which reads ids as Rasa does.
"""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot
from tests.console.conftest import PASSWORD, Console, FakeRasa, console, fake_rasa  # noqa: F401
from tests.console.test_conversation_ids import (  # noqa: F401
    ADDRESSABLE,
    IDS,
    UNADDRESSABLE,
    message_of,
    seeded,
    stored,
)

# The browser is what matters here; test_conversation_ids runs the same routes
# on PostgreSQL too. (Seeding runs asyncio, impossible while Playwright's loop runs.)
pytestmark = pytest.mark.parametrize("console", ["sqlite"], indirect=True, scope="module")


@pytest.fixture
def admin_page(seeded: Console, browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{seeded.url}/staff/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Live queue")).to_be_visible()
    page.on("dialog", lambda dialog: dialog.accept())  # "Delete this whole conversation?"
    yield page
    context.close()


def open_from_queue(page: Page, conversation_id: str) -> None:
    """Click the conversation's link in the queue table console.js draws."""
    href = page.evaluate("id => '/staff/conversations/' + encodeURIComponent(id)", conversation_id)
    page.locator(f'#queue-rows a[href="{href}"]').click()


def mark_reviewed_and_delete(page: Page, console: Console, key: str) -> None:  # noqa: F811
    page.get_by_role("button", name="Mark conversation reviewed").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as reviewed.")
    expect(page.locator("#transcript")).to_contain_text(message_of(key))
    assert stored(console, IDS[key])["reviewed"] is True
    page.get_by_role("button", name="Delete conversation").click()
    expect(page.get_by_role("heading", name="Conversations")).to_be_visible()
    after = stored(console, IDS[key])
    assert (after["events"], after["reviewed"]) == (0, False)


@pytest.mark.parametrize("key", list(ADDRESSABLE))
def test_the_whole_handoff_in_the_browser(
    admin_page: Page,
    seeded: Console,  # noqa: F811
    fake_rasa: FakeRasa,  # noqa: F811
    key: str,
) -> None:
    page, conversation_id = admin_page, IDS[key]
    open_from_queue(page, conversation_id)
    expect(page.locator("#transcript")).to_contain_text(message_of(key))
    # The transcript the page polls finds the same conversation.
    with page.expect_response(lambda r: r.url.endswith("/transcript")) as polled:
        pass
    assert polled.value.ok and message_of(key) in polled.value.text()

    fake_rasa.calls.clear()
    page.get_by_role("button", name="Take over this conversation").click()
    expect(page.get_by_role("status")).to_contain_text("You have taken over")
    assert {call["conversation"] for call in fake_rasa.calls} == {conversation_id}

    fake_rasa.calls.clear()
    page.get_by_label("Your reply to the patient").fill("Hello, this is the clinic.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Sent.")
    [reply] = fake_rasa.calls
    assert reply["conversation"] == conversation_id
    screenshot(page, f"console-id-{key}")

    page.get_by_role("button", name="Close handoff and hand back to the assistant").click()
    expect(page.get_by_role("status")).to_contain_text("The assistant has resumed")
    assert fake_rasa.paused[conversation_id] is False
    mark_reviewed_and_delete(page, seeded, key)


@pytest.mark.parametrize("key", list(UNADDRESSABLE))
def test_an_old_rest_id_opens_is_refused_clearly_and_can_be_reviewed(
    admin_page: Page,
    seeded: Console,  # noqa: F811
    fake_rasa: FakeRasa,  # noqa: F811
    key: str,
) -> None:
    page = admin_page
    open_from_queue(page, IDS[key])
    expect(page.locator("#transcript")).to_contain_text(message_of(key))
    fake_rasa.calls.clear()
    page.get_by_role("button", name="Take over this conversation").click()
    expect(page.locator("p.error")).to_contain_text("cannot be taken over here")
    assert fake_rasa.calls == []
    page.get_by_role("button", name="Close handoff and hand back to the assistant").click()
    expect(page.get_by_role("status")).to_contain_text("Closed.")
    mark_reviewed_and_delete(page, seeded, key)
