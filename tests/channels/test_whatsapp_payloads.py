"""Reading Meta's webhook payloads and building WhatsApp messages, without a server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot import whatsapp_window as window
from bot.channels.whatsapp import base
from bot.channels.whatsapp import meta_messages as wp
from tests.channels.conftest import ANSWER_BUTTONS, PATIENT, PHONE_NUMBER_ID, payload

# ------------------------------------------------------------ webhooks in


def only_message(name: str) -> base.Inbound:
    contents = wp.parse_webhook(payload(name), PHONE_NUMBER_ID)
    assert len(contents.messages) == 1
    return contents.messages[0]


def test_text_message() -> None:
    inbound = only_message("text.json")
    assert (inbound.kind, inbound.text, inbound.wa_id) == (base.TEXT, "what is a VRO?", PATIENT)
    assert inbound.message_id.startswith("wamid.")
    assert inbound.rasa_metadata() == {"message_type": "text", "sent_at": 1749416383}


def test_button_reply_sends_its_payload_and_keeps_the_title() -> None:
    inbound = only_message("interactive_button_reply.json")
    assert inbound.text == "/request_human"
    assert inbound.rasa_metadata()["display_text"] == "Talk to staff"


def test_list_reply_sends_its_payload() -> None:
    assert only_message("interactive_list_reply.json").text == '/faq{"faq_topic": "dfo_types"}'


def test_template_button_without_a_slash_payload_sends_its_title() -> None:
    inbound = only_message("template_button_reply.json")
    assert (inbound.kind, inbound.text) == (base.TEXT, "Yes, call me")


@pytest.mark.parametrize(
    ("name", "message_type"),
    [
        ("image.json", "image"),
        ("audio.json", "audio"),
        ("location.json", "location"),
        ("sticker.json", "sticker"),
        ("unknown_type.json", "unsupported"),
    ],
)
def test_anything_but_text_gets_the_text_only_reply(name: str, message_type: str) -> None:
    inbound = only_message(name)
    assert (inbound.kind, inbound.message_type, inbound.text) == (
        base.UNSUPPORTED,
        message_type,
        "",
    )


@pytest.mark.parametrize(
    "name", ["reaction.json", "status_delivered.json", "empty_entry.json", "empty_changes.json"]
)
def test_nothing_to_answer(name: str) -> None:
    assert wp.parse_webhook(payload(name), PHONE_NUMBER_ID).messages == []


def test_statuses_are_counted_and_failures_keep_their_code() -> None:
    assert wp.parse_webhook(payload("status_delivered.json")).statuses == 3
    failed = wp.parse_webhook(payload("status_failed.json"))
    assert failed.failed_status_codes == [131047]


def test_messages_for_another_number_of_the_app_are_skipped() -> None:
    contents = wp.parse_webhook(payload("text.json"), phone_number_id="999")
    assert contents.messages == [] and contents.other_number == 1


def test_two_messages_in_one_call() -> None:
    contents = wp.parse_webhook(payload("two_messages.json"), PHONE_NUMBER_ID)
    assert [m.text for m in contents.messages] == ["crash", "how long is the cast on?"]


@pytest.mark.parametrize(
    "document",
    [
        None,
        [],
        "text",
        {},
        {"object": "page", "entry": []},
        {"object": "whatsapp_business_account", "entry": "x"},
        {"object": "whatsapp_business_account", "entry": [None, 1, {"changes": None}]},
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages"}]}]},
        {
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"field": "messages", "value": {"messages": [1, None, {}]}}]}],
        },
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "changes": [
                        {"field": "messages", "value": {"messages": [{"id": "x", "from": 5}]}}
                    ]
                }
            ],
        },
    ],
)
def test_odd_shapes_are_skipped_not_errors(document) -> None:
    assert wp.parse_webhook(document).messages == []


def test_odd_message_fields_do_not_crash() -> None:
    message = {"id": "wamid.x", "from": PATIENT, "type": "interactive", "interactive": "x"}
    assert wp.parse_message(message).kind == base.UNSUPPORTED
    message = {"id": "wamid.x", "from": PATIENT, "type": "text", "text": None, "timestamp": "?"}
    inbound = wp.parse_message(message)
    assert (inbound.kind, inbound.text, inbound.timestamp) == (base.TEXT, "", None)


# ----------------------------------------------------------- messages out


def test_short_text_is_one_message_with_its_paragraphs() -> None:
    text = "First paragraph.\n\nSecond paragraph."
    assert wp.text_payloads(PATIENT, text) == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": PATIENT,
            "type": "text",
            "text": {"preview_url": False, "body": text},
        }
    ]


def test_long_text_is_split_between_paragraphs() -> None:
    paragraphs = [f"p{i} " + "word " * 300 for i in range(8)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = base.split_text(text)
    assert len(parts) > 1
    assert all(len(part) <= base.TEXT_LIMIT for part in parts)
    # No paragraph is cut: every part starts with a paragraph's beginning.
    assert all(part.startswith("p") for part in parts)
    assert "\n\n".join(parts) == text


def test_text_without_spaces_is_cut_hard() -> None:
    parts = base.split_text("x" * 9000)
    assert [len(part) for part in parts] == [4096, 4096, 808]


def test_bangla_sentences_are_split_at_the_dari() -> None:
    sentence = "অস্ত্রোপচারের পরে হাঁটতে কিছু সময় লাগে। "
    parts = base.split_text(sentence * 200, limit=1000)
    assert all(part.endswith("।") for part in parts[:-1])
    assert all(len(part) <= 1000 for part in parts)


def test_empty_text_sends_nothing() -> None:
    assert wp.text_payloads(PATIENT, "  \n ") == []


def test_up_to_three_buttons_are_reply_buttons() -> None:
    [message] = wp.button_payloads(PATIENT, "What is a VRO? It is...", ANSWER_BUTTONS)
    interactive = message["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"] == {"text": "What is a VRO? It is..."}
    assert interactive["action"]["buttons"] == [
        {
            "type": "reply",
            "reply": {"id": '/faq{"faq_topic": "dfo_types"}', "title": "Types of DFO"},
        },
        {"type": "reply", "reply": {"id": "/request_human", "title": "Talk to staff"}},
    ]


def test_long_button_titles_are_shortened_with_an_ellipsis() -> None:
    buttons = [{"title": "When can my child walk again after the VRO?", "payload": "/a"}]
    [message] = wp.button_payloads(PATIENT, "Text", buttons)
    title = message["interactive"]["action"]["buttons"][0]["reply"]["title"]
    assert len(title) == wp.BUTTON_TITLE_LIMIT and title.endswith("…")


def test_four_to_ten_buttons_make_a_list_with_full_titles_below() -> None:
    buttons = [{"title": f"Topic {i}", "payload": f"/t{i}"} for i in range(3)]
    buttons.append({"title": "A much longer topic title than fits in a row", "payload": "/long"})
    [message] = wp.button_payloads(PATIENT, "Pick a topic", buttons)
    interactive = message["interactive"]
    assert interactive["type"] == "list"
    action = interactive["action"]
    assert len(action["button"]) <= wp.LIST_BUTTON_LIMIT
    rows = action["sections"][0]["rows"]
    assert [row["id"] for row in rows] == ["/t0", "/t1", "/t2", "/long"]
    assert rows[0] == {"id": "/t0", "title": "Topic 0"}
    assert len(rows[3]["title"]) == wp.ROW_TITLE_LIMIT and rows[3]["title"].endswith("…")
    assert rows[3]["description"] == "A much longer topic title than fits in a row"
    assert all(len(section["title"]) <= 24 for section in action["sections"])


def test_more_than_ten_buttons_keep_the_first_ten() -> None:
    buttons = [{"title": f"Topic {i}", "payload": f"/t{i}"} for i in range(14)]
    [message] = wp.button_payloads(PATIENT, "Pick", buttons)
    rows = message["interactive"]["action"]["sections"][0]["rows"]
    assert [row["id"] for row in rows] == [f"/t{i}" for i in range(10)]


def test_row_descriptions_are_limited() -> None:
    buttons = [{"title": "x" * 200, "payload": f"/t{i}"} for i in range(5)]
    [message] = wp.button_payloads(PATIENT, "Pick", buttons)
    row = message["interactive"]["action"]["sections"][0]["rows"][0]
    assert len(row["description"]) == wp.ROW_DESCRIPTION_LIMIT


def test_text_too_long_for_a_body_goes_first_as_text() -> None:
    text = "\n\n".join(f"Paragraph {i}." + " word" * 60 for i in range(8))
    messages = wp.button_payloads(PATIENT, text, ANSWER_BUTTONS)
    assert [m["type"] for m in messages] == ["text", "interactive"]
    body = messages[-1]["interactive"]["body"]["text"]
    assert len(body) <= wp.BODY_LIMIT
    assert messages[0]["text"]["body"] + "\n\n" + body == text


def test_payloads_too_long_for_an_id_use_the_title() -> None:
    buttons = [{"title": "Long one", "payload": "/x" + "y" * 300}, {"title": "B", "payload": "/b"}]
    [message] = wp.button_payloads(PATIENT, "Pick", buttons)
    ids = [b["reply"]["id"] for b in message["interactive"]["action"]["buttons"]]
    assert ids == ["Long one", "/b"]


def test_repeated_and_empty_buttons_are_dropped() -> None:
    buttons = [{"title": "A", "payload": "/a"}, {"title": "A again", "payload": "/a"}, {}, "x"]
    assert base.choices_from_buttons(buttons) == [base.Choice(payload="/a", title="A")]


def test_buttons_without_text_get_a_body() -> None:
    [message] = wp.button_payloads(PATIENT, "", ANSWER_BUTTONS)
    assert message["interactive"]["body"]["text"] == wp.DEFAULT_BODY


def test_no_usable_buttons_is_plain_text() -> None:
    assert wp.button_payloads(PATIENT, "Hello", []) == wp.text_payloads(PATIENT, "Hello")


def test_custom_json_passes_only_the_whatsapp_message_to_the_patient() -> None:
    custom = {
        "whatsapp": {"type": "template", "to": "someone-else", "template": {"name": "followup"}}
    }
    message = wp.custom_payload(PATIENT, custom)
    assert message["to"] == PATIENT and message["messaging_product"] == "whatsapp"
    assert message["template"] == {"name": "followup"}
    assert wp.custom_payload(PATIENT, {"other": 1}) is None
    assert wp.custom_payload(PATIENT, ["whatsapp"]) is None
    assert wp.custom_payload(PATIENT, {"whatsapp": {"no": "type"}}) is None


def test_the_text_only_reply_is_in_english_then_bangla() -> None:
    english, bangla = base.TEXT_ONLY_REPLY.split("\n\n")
    assert "only read text" in english and "staff" in english
    assert bangla.startswith("দুঃখিত")


# ------------------------------------------------- customer-service window

DHAKA = timezone(timedelta(hours=6))


def test_window_closes_24_hours_after_the_patients_last_message() -> None:
    last = datetime(2025, 3, 1, 10, 0, tzinfo=DHAKA)
    assert window.window_closes_at(last) == datetime(
        2025, 3, 1, 4, 0, tzinfo=timezone.utc
    ) + timedelta(hours=24)
    assert window.customer_service_window_open(last, last + timedelta(hours=23, minutes=59))
    assert not window.customer_service_window_open(last, last + timedelta(hours=24))
    assert not window.customer_service_window_open(last, last + timedelta(days=3))


def test_window_accepts_naive_utc_and_aware_datetimes_together() -> None:
    last = datetime(2025, 3, 1, 4, 0)  # naive: UTC
    now = datetime(2025, 3, 2, 9, 59, tzinfo=DHAKA)  # 03:59 UTC next day
    assert window.customer_service_window_open(last, now)
    assert window.window_closes_at(last).tzinfo is not None


def test_webhook_timestamps_become_aware_datetimes() -> None:
    assert window.sent_at(1749416383) == datetime(2025, 6, 8, 20, 59, 43, tzinfo=timezone.utc)
    assert window.sent_at(None) is None


def test_staff_replies_are_opened_with_the_name() -> None:
    assert base.with_staff_label("Hello", "Ayesha") == (
        "*Ayesha* (clinic staff / ক্লিনিকের কর্মী):\nHello"
    )
    assert base.with_staff_label("Hello", " *Dr_ Rahman* ") == (
        "*Dr Rahman* (clinic staff / ক্লিনিকের কর্মী):\nHello"
    )
    assert base.with_staff_label("Hello", "x" * 100).startswith("*" + "x" * 40 + "*")
    for not_a_name in (None, "", "  ", "**", 42):
        assert base.with_staff_label("Hello", not_a_name) == "Hello"
