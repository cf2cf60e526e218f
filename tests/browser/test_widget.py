"""The Click to Chat widget in a real browser, as patients use it."""

from __future__ import annotations

import json
import re

import requests
from playwright.sync_api import BrowserContext, Page, expect

from bot.channels.webchat import MAX_MESSAGE_CHARS
from bot.console.rasa_api import conversation_url, staff_message_event
from bot.nlu.named_operation import operation_meant
from bot.nlu.short_replies import short_reply_intent
from bot.session_tokens import issue_session
from tests.browser.conftest import AXE, screenshot
from tests.browser.widget import (
    ask,
    bot_messages,
    expect_acknowledged,
    expect_answer,
    expect_answer_about,
    expect_more_bot_messages,
    open_widget,
    scroll_to_last_question,
    whatsapp_prefill,
)
from tests.conftest import text_of
from tests.utils.stack import CLINIC_WHATSAPP, AssistantStack
from tests.utils.trained import trained


def test_questions_about_both_operations_are_answered(page: Page, responses) -> None:
    open_widget(page)
    ask(page, trained("faq/dfo_what_is", "what is DFO surgery of the knee"))
    expect_answer(page, text_of(responses, "utter_faq/dfo_what_is"))
    ask(page, trained("faq/vro_recovery", "after vro when can he stand"))
    expect_answer(page, text_of(responses, "utter_faq/vro_recovery"))
    expect(page.locator(".message.user")).to_have_count(2)
    expect(page.locator(".message .meta time").first).to_have_text(re.compile(r"\d{1,2}:\d{2}"))
    screenshot(page, "desktop-conversation")


def test_an_answer_to_a_question_naming_no_operation_says_which_first(
    page: Page, responses
) -> None:
    open_widget(page)
    ask(page, trained("faq/dfo_candidates", "am i the right kind of patient for this operation"))
    # The line naming the operation comes just before the answer.
    knee_line = text_of(responses, "utter_answer_about_knee")
    expect_answer_about(page, knee_line, text_of(responses, "utter_faq/dfo_candidates"))
    # For people to look at: the question, the line and the answer's start.
    scroll_to_last_question(page)
    screenshot(page, "widget-operation-named")
    # A parent who meant the hip taps the hip operation's answer to the same question.
    hip_title = responses["utter_faq/vro_cerebral_palsy"][0]["metadata"]["topic_title"]
    page.locator(".reply", has_text=hip_title).last.click()
    expect_answer(page, text_of(responses, "utter_faq/vro_cerebral_palsy"))


def test_a_question_naming_no_operation_is_read_in_the_operation_of_the_page(
    page: Page, responses
) -> None:
    # The clinic's page is the knee operation's (data-operation="knee"). The
    # models read this question as the hip's (the child standing again).
    open_widget(page)
    ask(page, trained("faq/vro_recovery", "after the op how long before she can stand again"))
    knee_line = text_of(responses, "utter_answer_about_knee")
    expect_answer_about(page, knee_line, text_of(responses, "utter_faq/dfo_recovery"))
    # Naming the other operation still gets that operation's answer.
    ask(page, trained("faq/vro_recovery", "after vro when can he stand"))
    expect_answer(page, text_of(responses, "utter_faq/vro_recovery"))


def test_knock_knees_after_a_hip_answer_get_the_knee_operations_answer(
    page: Page, responses
) -> None:
    # After the hip's answer, the conversation is about the hip; knock knees
    # are the knee page's alone, and the knee's answer is the one meant.
    open_widget(page)
    ask(page, trained("faq/hip_dysplasia", "dysplasia meaning"))
    expect_answer(page, text_of(responses, "utter_faq/hip_dysplasia"))
    ask(page, trained("faq/dfo_purpose", "what good does it do to straighten a knock knee"))
    expect_answer(page, text_of(responses, "utter_faq/dfo_purpose"))


def test_quick_reply_buttons_work(page: Page, responses) -> None:
    open_widget(page)
    ask(page, trained("faq/vro_what_is", "what is VRO"))
    expect_answer(page, text_of(responses, "utter_faq/vro_what_is"))
    # The first button asks for the rest of the answer; the second is a related topic.
    related = responses["utter_faq/vro_what_is"][0]["buttons"][1]
    page.locator(".reply", has_text=related["title"]).last.click()
    topic = json.loads(related["payload"][len("/faq{") : -1])["faq_topic"]
    expect_answer(page, text_of(responses, f"utter_faq/{topic}"))
    # The tapped title, not the raw payload, stands in the transcript.
    expect(page.locator(".message.user").last).to_contain_text(related["title"])


def test_a_long_story_fits_the_box_and_is_answered_by_its_question(page: Page, responses) -> None:
    # The box holds what the web chat channel takes: a parent's story of
    # 1,500 characters with the question at its end is sent whole and read
    # by its question (the live tests hold the classifier's side of it).
    box = page.locator("textarea")
    open_widget(page)
    assert box.get_attribute("maxlength") == str(MAX_MESSAGE_CHARS)
    story = "my son is nine and " + "he walks on his toes and falls at school and " * 33
    message = f"{story.strip()}. {trained('faq/vro_what_is', 'what is VRO')}"
    assert 1000 < len(message) <= MAX_MESSAGE_CHARS
    box.fill(message)
    expect(page.locator(".counter")).to_contain_text(f"{len(message)} of {MAX_MESSAGE_CHARS}")
    box.press("Enter")
    expect_answer(page, text_of(responses, "utter_faq/vro_what_is"))
    expect(page.locator(".message.user").last).to_contain_text(message[-60:])
    bot_texts = " ".join(bot_messages(page).all_inner_texts())
    assert text_of(responses, "utter_input_too_long") not in bot_texts


def test_tell_me_more_sends_the_rest_of_the_answer(page: Page, responses) -> None:
    open_widget(page)
    ask(page, trained("faq/dfo_what_is", "what is DFO surgery of the knee"))
    expect_answer(page, text_of(responses, "utter_faq/dfo_what_is"))
    page.locator(".reply", has_text="Tell me more").last.click()
    expect_answer(page, text_of(responses, "utter_faq_more/dfo_what_is"))
    ask(page, trained("tell_me_more", "tell me more"))
    expect_answer(page, text_of(responses, "utter_more_all_said"))


def test_history_survives_a_reload(page: Page, responses) -> None:
    open_widget(page)
    ask(page, trained("faq/hip_dysplasia", "dysplasia meaning"))
    expect_answer(page, text_of(responses, "utter_faq/hip_dysplasia"))
    expect_acknowledged(page)
    before = bot_messages(page).count()
    page.reload()
    expect(page.locator(".panel")).to_be_visible()  # it stays open across pages
    expect(page.locator(".message.user .bubble")).to_have_text(["You: dysplasia meaning"])
    expect(bot_messages(page)).to_have_count(before)


def test_the_history_gives_back_the_id_each_message_was_sent_with(
    context: BrowserContext, stack: AssistantStack, responses
) -> None:
    # Stored events are masked, ids included: an id with a run of digits (a
    # UUID such as 2088ed50-4871-...) came back masked, and a reload showed a
    # message still waiting for its acknowledgement twice. The page's UUIDs
    # are made all digits here, so an id built from them would be masked.
    page = context.new_page()
    page.add_init_script(
        """
        window.__sent = [];
        const send = WebSocket.prototype.send;
        WebSocket.prototype.send = function (data) {
          window.__sent.push(String(data));
          return send.call(this, data);
        };
        let made = 0;
        if (window.crypto) {
          window.crypto.randomUUID = () => `12345678-1234-4123-8123-${123456789000 + ++made}`;
        }
        """
    )
    page.goto(stack.web_url + "/")
    open_widget(page)
    ask(page, trained("faq/hip_dysplasia", "dysplasia meaning"))
    expect_answer(page, text_of(responses, "utter_faq/hip_dysplasia"))
    expect_acknowledged(page)  # stored before the history is read
    frames = page.evaluate("window.__sent.filter((frame) => frame.includes('user_uttered'))")
    sent_ids = re.findall(r'"message_id":"([^"]+)"', " ".join(frames))
    assert len(sent_ids) >= 1  # the session's silent messages, then the question
    token = page.evaluate("localStorage.getItem('clinicChat.token')")
    history = requests.get(
        stack.web_url + "/api/chat/history",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()["messages"]
    assert [m["message_id"] for m in history if m["sender"] == "user"] == sent_ids[-1:]


def test_html_in_messages_is_shown_as_text(page: Page) -> None:
    open_widget(page)
    payloads = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>"]
    for payload in payloads:
        before = bot_messages(page).count()
        ask(page, payload)
        expect(page.locator(".message.user .bubble").last).to_have_text(f"You: {payload}")
        expect_more_bot_messages(page, before)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".log img, .log script").count() == 0


def test_keyboard_only_conversation(page: Page, responses) -> None:
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "clinic-chat":
            break
    focused = page.evaluate(
        "document.querySelector('#clinic-chat').shadowRoot.activeElement.className"
    )
    assert focused == "launcher"
    page.keyboard.press("Enter")
    expect(page.locator("textarea")).to_be_focused()
    expect(page.locator(".message.bot").first).to_contain_text("automated assistant")
    page.keyboard.type(trained("faq/knee_valgus", "knock knee meaning"))
    page.keyboard.press("Enter")
    expect_answer(page, text_of(responses, "utter_faq/knee_valgus"))
    # Shift+Tab from the text box reaches the last quick reply; Enter chooses it.
    page.keyboard.press("Shift+Tab")
    chosen = page.evaluate(
        "document.querySelector('#clinic-chat').shadowRoot.activeElement.textContent"
    )
    assert chosen == "Talk to staff"
    page.keyboard.press("Enter")
    expect_answer(page, text_of(responses, "utter_handoff_nobody_online"))
    page.keyboard.press("Escape")
    expect(page.locator(".panel")).to_be_hidden()
    assert (
        page.evaluate("document.querySelector('#clinic-chat').shadowRoot.activeElement.className")
        == "launcher"
    )


def test_talk_to_staff_and_whatsapp_are_offered(page: Page, responses) -> None:
    open_widget(page)
    whatsapp = page.locator("a.whatsapp")
    expect(whatsapp).to_have_attribute(
        "href", re.compile(rf"^https://wa\.me/{CLINIC_WHATSAPP}\?text=[^&]+$")
    )
    expect(whatsapp).to_have_attribute("rel", "noopener noreferrer")
    page.locator("button.talk-to-staff").click()
    expect_answer(page, text_of(responses, "utter_handoff_nobody_online"))
    # The WhatsApp address in the bot's reply becomes a safe link, nothing else does.
    link = page.locator(".message.bot .bubble a").last
    expect(link).to_have_attribute("href", f"https://wa.me/{CLINIC_WHATSAPP}")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    assert page.locator(".message.bot .bubble a[href^='javascript']").count() == 0


def test_whatsapp_from_the_knee_page_starts_with_a_question_about_the_knee(
    page: Page, responses
) -> None:
    # The clinic's page is the knee operation's: on WhatsApp, which has no
    # page, the prefilled first message names the operation instead.
    open_widget(page)
    prefilled = whatsapp_prefill(page)
    assert operation_meant(prefilled) == "knee"
    assert short_reply_intent(prefilled) == "greet"
    # Sent as it is, it is answered as it would be on WhatsApp: the knee's topics.
    ask(page, prefilled)
    expect_answer(page, text_of(responses, "utter_greet_knee"))
    expect_acknowledged(page)
    screenshot(page, "widget-knee-invitation")
    # The link follows the conversation's language.
    ask(page, trained("faq/vro_what_is", "VRO এর পুরো নাম কি?"))
    expect(page.locator(".send")).to_have_text("পাঠান")
    bangla = whatsapp_prefill(page)
    assert bangla != prefilled
    assert operation_meant(bangla) == "knee" and short_reply_intent(bangla) == "greet"


def test_phone_layout_is_full_screen(browser, stack: AssistantStack) -> None:
    phone = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        page = phone.new_page()
        page.goto(stack.web_url + "/")
        screenshot(page, "phone-closed")
        open_widget(page)
        before = bot_messages(page).count()
        ask(page, "what is a VRO")
        expect_more_bot_messages(page, before)
        box = page.locator(".panel").bounding_box()
        assert (
            box and box["width"] == 360 and box["height"] == 740 and box["x"] == 0 and box["y"] == 0
        )
        screenshot(page, "phone-open")
    finally:
        phone.close()


def test_unread_badge_counts_replies_while_closed(
    page: Page, stack: AssistantStack, responses
) -> None:
    """A message that arrives while the widget is closed shows on the launcher.

    The message is a staff reply sent through Rasa's HTTP API, as the console
    sends it, after the widget was closed: the assistant's own answer may
    arrive before or after a click, and the test must not depend on which.
    """
    open_widget(page)
    ask(page, trained("faq/vro_what_is", "what is VRO"))
    expect_answer(page, text_of(responses, "utter_faq/vro_what_is"))
    conversation_id = page.evaluate("window.clinicChat.sessionId")
    page.locator("button.close").click()
    badge = page.locator(".badge")
    expect(badge).to_be_hidden()

    event = staff_message_event("A nurse will call you this afternoon.", "Nurse Rahima")
    sent = requests.post(
        str(conversation_url(stack.rasa_url, conversation_id, "tracker/events")),
        params={"token": stack.token, "output_channel": "latest", "execute_side_effects": "true"},
        json=[event],
        timeout=30,
    )
    assert sent.status_code == 200, sent.text
    expect(badge).to_be_visible()
    expect(badge).to_have_text("1")
    page.locator(".launcher").click()
    expect(badge).to_be_hidden()


def test_no_serious_accessibility_violations(browser, stack: AssistantStack) -> None:
    # The page's CSP rightly refuses inline scripts; axe is injected past it.
    audit = browser.new_context(viewport={"width": 1280, "height": 860}, bypass_csp=True)
    try:
        check_accessibility(audit.new_page(), stack)
    finally:
        audit.close()


def check_accessibility(page: Page, stack: AssistantStack) -> None:
    page.goto(stack.web_url + "/")
    open_widget(page)
    ask(page, "what is a DFO")
    expect(page.locator(".reply").first).to_be_visible()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    screenshot(page, "desktop-open")


def test_forged_session_token_is_not_honoured(
    context: BrowserContext, stack: AssistantStack
) -> None:
    victim = issue_session(stack.widget_secret)
    forged = issue_session("attacker-secret", victim.session_id)
    context.add_init_script(f"localStorage.setItem('clinicChat.token', {json.dumps(forged.token)})")
    page = context.new_page()
    page.goto(stack.web_url + "/")
    open_widget(page)
    session_id = page.evaluate("window.clinicChat.sessionId")
    assert session_id and session_id != victim.session_id


def test_nothing_is_lost_when_the_server_restarts(
    page: Page, stack: AssistantStack, responses
) -> None:
    open_widget(page)
    ask(page, trained("faq/vro_derotation", "what is a derotational osteotomy"))
    expect_answer(page, text_of(responses, "utter_faq/vro_derotation"))
    # Only the next message meets the outage.
    expect_acknowledged(page)
    assert page.evaluate("JSON.parse(localStorage.getItem('clinicChat.outbox')).length") == 0
    stack.stop_rasa()
    try:
        expect(page.locator(".status")).to_be_visible()
        ask(page, trained("faq/vro_disadvantages", "what are the disadvantages of VRO"))
        expect(page.locator(".message.user").last).to_contain_text("disadvantages")
        expect(page.locator(".pending").last).to_be_visible()
        page.wait_for_timeout(1500)
        assert page.evaluate("JSON.parse(localStorage.getItem('clinicChat.outbox')).length") == 1
    finally:
        stack.start_rasa()
    expect_answer(page, text_of(responses, "utter_faq/vro_disadvantages"))
    expect(page.locator(".status")).to_be_hidden()
    expect_acknowledged(page)
    assert page.evaluate("JSON.parse(localStorage.getItem('clinicChat.outbox')).length") == 0
    # The message reached the server exactly once.
    page.reload()
    expect(page.locator(".message.user", has_text="disadvantages")).to_have_count(1)


def test_bangla_text_renders_with_the_shipped_font(page: Page) -> None:
    open_widget(page)
    before = bot_messages(page).count()
    question = "আমার ছেলের হিপ অপারেশন কবে?"
    ask(page, question)
    expect(page.locator(".message.user .bubble").last).to_have_text(f"You: {question}")
    expect_more_bot_messages(page, before)
    loaded = page.evaluate(
        "async () => (await document.fonts.load('16px \"Noto Sans Bengali\"', 'আমার')).length"
    )
    assert loaded >= 1
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Bengali\"', 'আমার')")
