"""What a patient does with the widget, as small helpers for the browser tests."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect


def open_widget(page: Page) -> None:
    page.locator(".launcher").click()
    expect(page.locator(".panel")).to_be_visible()
    # The disclaimer that opens every session has arrived: the socket is ready.
    expect(page.locator(".message.bot").first).to_contain_text("automated assistant")


def ask(page: Page, text: str) -> None:
    box = page.locator("textarea")
    box.fill(text)
    box.press("Enter")


def bot_messages(page: Page) -> Locator:
    return page.locator(".message.bot .bubble")


def last_bot_message(page: Page) -> Locator:
    return bot_messages(page).last


def expect_answer(page: Page, text: str) -> None:
    """Wait until a bot message with this text (its first sentence) is shown."""
    first_sentence = text.split(". ")[0]
    expect(page.locator(".message.bot .bubble", has_text=first_sentence).last).to_be_visible()


def expect_answer_about(page: Page, operation_line: str, answer: str) -> None:
    """Wait for ``answer``, then check the line naming its operation came just before it."""
    expect_answer(page, answer)
    texts = bot_messages(page).all_inner_texts()
    assert texts[-2].endswith(operation_line)


def expect_acknowledged(page: Page) -> None:
    """Wait until the server acknowledged every message sent (stored, outbox cleared).

    The answer can be shown before the acknowledgement arrives: a test that
    reads what was stored (the history, the outbox, a reload) waits for this
    first. Polled through the DOM (the "sending" mark goes in the same
    callback as the outbox entry): the widget's CSP forbids the eval that
    ``wait_for_function``'s polling uses.
    """
    expect(page.locator(".message.user .pending")).to_have_count(0)


def expect_more_bot_messages(page: Page, than: int) -> None:
    """Wait until more than ``than`` bot messages are shown."""
    page.wait_for_function(
        "count => document.querySelector('#clinic-chat').shadowRoot"
        ".querySelectorAll('.message.bot').length > count",
        arg=than,
        timeout=30_000,
    )


def scroll_to_last_question(page: Page) -> None:
    """Scroll the conversation so the patient's last message is at the top (for screenshots)."""
    page.locator(".message.user").last.evaluate(
        "node => { const log = node.closest('.log'), top = log.getBoundingClientRect().top;"
        " log.scrollTop += node.getBoundingClientRect().top - top - 8; }"
    )


def whatsapp_prefill(page: Page) -> str:
    """The first message the widget's WhatsApp link starts a chat with ("" if none)."""
    href = page.locator("a.whatsapp").get_attribute("href") or ""
    return (parse_qs(urlsplit(href).query).get("text") or [""])[0]
