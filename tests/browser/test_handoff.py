"""The whole handoff with the real assistant: a patient in the widget, staff in the console.

Two browser contexts (two people, two sets of cookies): a member of staff
signs in to the console, a patient asks for staff in the widget, the staff
member takes over and replies, the patient sees the reply, the assistant
stays silent while staff hold the conversation and resumes when they close it.
"""

from __future__ import annotations

import time
import uuid
from typing import Iterator

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bot.console.accounts import create_account, deactivate
from tests.browser.conftest import screenshot
from tests.browser.widget import ask, bot_messages, expect_answer, open_widget
from tests.conftest import text_of
from tests.utils.stack import AssistantStack
from tests.utils.trained import trained

PASSWORD = "staff password for the browser test"


@pytest.fixture
def nurse(stack: AssistantStack) -> Iterator[str]:
    """A staff account that exists only for this test."""
    username = f"nurse-{uuid.uuid4().hex[:8]}"
    create_account(stack.database_url, username, "Nurse Rahima", "staff", PASSWORD)
    yield username
    deactivate(stack.database_url, username)


@pytest.fixture
def staff_context(browser: Browser) -> Iterator[BrowserContext]:
    created = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    yield created
    created.close()


def sign_in(page: Page, stack: AssistantStack, username: str) -> None:
    page.goto(f"{stack.web_url}/staff/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Live queue")).to_be_visible()


def events_after(stack: AssistantStack, conversation_id: str, text: str) -> list:
    """The event types stored after the patient message ``text`` (waits until it is stored)."""
    for _ in range(100):
        tracker = requests.get(
            f"{stack.rasa_url}/conversations/{conversation_id}/tracker",
            params={"token": stack.token},
            timeout=10,
        ).json()
        events = tracker["events"]
        mine = [i for i, e in enumerate(events) if e["event"] == "user" and e.get("text") == text]
        if mine:
            return [e["event"] for e in events[mine[-1] + 1 :]]
        time.sleep(0.3)
    raise AssertionError("the patient's message was never stored")


def test_staff_take_over_a_widget_conversation_and_hand_it_back(
    page: Page, staff_context: BrowserContext, stack: AssistantStack, nurse: str, responses
) -> None:
    console = staff_context.new_page()
    sign_in(console, stack, nurse)  # the open console makes staff "online"

    open_widget(page)
    page.locator(".talk-to-staff").click()
    expect_answer(page, text_of(responses, "utter_handoff_connecting"))
    conversation_id = page.evaluate("window.clinicChat.sessionId")

    # The new handoff appears in the live queue without reloading.
    link = console.locator(f'#queue-rows a[href$="{conversation_id}"]')
    expect(link).to_be_visible()
    link.click()
    console.get_by_role("button", name="Take over this conversation").click()
    expect(console.get_by_role("status")).to_contain_text("You have taken over")
    expect(page.locator(".message.bot .bubble", has_text="Nurse Rahima").last).to_be_visible()

    # While staff hold the conversation, the assistant stays silent.
    before = bot_messages(page).count()
    question = "what is a VRO?"
    ask(page, question)
    assert "bot" not in events_after(stack, conversation_id, question)
    expect(console.locator("#transcript .msg.patient").last).to_contain_text(question)

    console.get_by_label("Your reply to the patient").fill(
        "Hello, this is Rahima. VRO is a hip operation; I can explain more."
    )
    console.get_by_role("button", name="Send").click()
    staff_reply = page.locator(".message.staff")
    expect(staff_reply).to_contain_text("Hello, this is Rahima")
    expect(staff_reply).to_contain_text("Nurse Rahima (clinic staff)")
    assert bot_messages(page).count() == before + 1
    screenshot(page, "handoff-patient-sees-staff")
    screenshot(console, "handoff-console")

    console.get_by_role("button", name="Close handoff and hand back to the assistant").click()
    expect_answer(page, text_of(responses, "utter_handoff_resumed"))

    # The assistant answers again.
    ask(page, trained("faq/hip_dysplasia", "dysplasia meaning"))
    expect_answer(page, text_of(responses, "utter_faq/hip_dysplasia"))

    # Sign out: the staff member goes offline at once.
    console.get_by_role("button", name="Sign out").click()
    expect(console.get_by_role("heading", name="Staff console")).to_be_visible()


def test_red_flags_during_a_handoff_still_get_the_urgent_reply_at_once(
    page: Page, staff_context: BrowserContext, stack: AssistantStack, nurse: str, responses
) -> None:
    console = staff_context.new_page()
    sign_in(console, stack, nurse)
    open_widget(page)
    ask(page, trained("request_human", "I want to talk to a person"))
    expect_answer(page, text_of(responses, "utter_handoff_connecting"))
    conversation_id = page.evaluate("window.clinicChat.sessionId")

    ask(page, "since yesterday my son's wound after the hip operation is hot and leaking pus")
    expect_answer(page, text_of(responses, "utter_urgent_care"))
    # The queue now shows it as urgent, and the console raises the alarm.
    urgent_row = console.locator(f'#queue-rows tr.urgent a[href$="{conversation_id}"]')
    expect(urgent_row).to_be_visible()
    expect(console.locator("#urgent-alert")).to_be_visible()
    screenshot(console, "console-urgent-alert")
    # Staff sign out: nobody is online for the next tests.
    console.get_by_role("button", name="Sign out").click()
    expect(console.get_by_role("heading", name="Staff console")).to_be_visible()
