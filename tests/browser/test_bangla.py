"""A patient who writes Bangla, or romanized Bangla, in the widget."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.glyphs import assert_bangla_drawn_with_served_font
from tests.browser.widget import (
    ask,
    bot_messages,
    expect_answer,
    expect_more_bot_messages,
    last_bot_message,
    open_widget,
    scroll_to_last_question,
)
from tests.conftest import bangla_text_of, text_of
from tests.utils.trained import trained

BANGLA_LETTER = re.compile(r"[\u0980-\u09FF]")


# Words of the disclaimer in Bangla (the automatic switch's notice repeats it).
DISCLAIMER_BN = "কোনো মানুষ নই"


def confirmation_only(responses) -> str:
    """utter_language_set in Bangla once the disclaimer was given in Bangla."""
    given = {"type": "slot", "name": "bangla_disclaimer_given", "value": True}
    return next(
        v["text"] for v in responses["utter_language_set"] if given in (v.get("condition") or [])
    )


def test_bangla_questions_are_answered_in_bangla_and_the_widget_follows(
    page: Page, responses
) -> None:
    open_widget(page)
    ask(page, trained("faq/vro_what_is", "VRO এর পুরো নাম কি?"))
    expect_answer(page, bangla_text_of(responses, "utter_faq/vro_what_is"))
    # The fixed texts follow the conversation's language.
    expect(page.locator(".send")).to_have_text("পাঠান")
    expect(page.locator(".talk-to-staff")).to_have_text("কর্মীর সাথে কথা বলুন")
    expect(page.locator(".panel")).to_have_attribute("lang", "bn")
    # The panel's title follows too (the clinic page sets no fixed title).
    expect(page.locator("#clinic-chat-title > span").first).to_have_text("ক্লিনিককে জিজ্ঞেস করুন")
    # Every Bangla glyph of the answer is drawn with the widget's own font.
    answer = last_bot_message(page)
    page.evaluate("document.fonts.ready.then(() => true)")
    assert_bangla_drawn_with_served_font(
        page, ".message.bot .bubble", answer.inner_text(), shadow_host="clinic-chat"
    )
    # For people to look at: the answer (the log keeps the newest in view), then
    # the question with the Bangla notice and disclaimer that came before it.
    screenshot(page, "widget-bangla-answer")
    scroll_to_last_question(page)
    screenshot(page, "widget-bangla")

    ask(page, "অপারেশনের পর থেকে ওর খুব জ্বর আর সেলাই থেকে পুঁজ বের হচ্ছে")
    expect_answer(page, bangla_text_of(responses, "utter_urgent_care"))
    # The urgent message queued the conversation for staff; asking for a
    # person now (the button's label is Bangla) is answered in Bangla too.
    page.locator(".talk-to-staff").click()
    expect_answer(page, bangla_text_of(responses, "utter_handoff_already_waiting"))


def test_romanized_bangla_gets_bangla_with_a_one_tap_switch_to_english(
    page: Page, responses
) -> None:
    open_widget(page)
    before = bot_messages(page).count()
    ask(page, "hatur DFO operation er por kivabe recovery hoy, koto din rest lagbe?")
    expect_answer(page, text_of(responses, "utter_language_auto_bn"))
    # The notice and the answer. Whichever answer the model chose, it comes in
    # Bangla script: this test is about the language, not about how a
    # retrained model reads one message.
    expect_more_bot_messages(page, before + 1)
    expect(last_bot_message(page)).to_contain_text(BANGLA_LETTER)
    # Asking for Bangla now confirms it without repeating the disclaimer.
    asked = bot_messages(page).count()
    ask(page, trained("set_language", "বাংলায় বলুন"))
    expect_more_bot_messages(page, asked)
    expect(last_bot_message(page)).to_contain_text(confirmation_only(responses))
    expect(last_bot_message(page)).not_to_contain_text(DISCLAIMER_BN)
    expect(bot_messages(page).filter(has_text=DISCLAIMER_BN)).to_have_count(1)
    page.locator(".reply", has_text="English please").last.click()
    expect_answer(page, text_of(responses, "utter_language_set"))
    # The first English reply is announced as English too: a screen reader
    # reads "Assistant:", not the Bangla label, before it.
    expect(last_bot_message(page).locator(".visually-hidden")).to_have_text("Assistant: ")
    switched = bot_messages(page).count()
    ask(page, "and what is a knock knee?")
    expect_more_bot_messages(page, switched)
    expect(last_bot_message(page)).not_to_contain_text(BANGLA_LETTER)
    expect(page.locator(".send")).to_have_text("Send")
