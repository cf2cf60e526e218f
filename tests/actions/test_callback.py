"""The callback form: validation, consent, and what is stored."""

import pytest
import sqlalchemy as sa
from rasa_sdk.executor import CollectingDispatcher

from actions.callback import (
    ActionCancelCallback,
    ActionSubmitCallback,
    ValidateCallbackForm,
    answer_to_requested_slot,
    clean_name,
    clean_time,
    is_refusal,
)
from bot.storage.engine import shared_session_factory
from bot.storage.models import CallbackRequest
from tests.actions.conftest import load_tracker

FULL_FORM = {
    "callback_consent": True,
    "callback_name": "Rahima Begum",
    "callback_time": "Sunday after 5 pm",
    "callback_phone": "+8801712345678",
}


def stored(url):
    with shared_session_factory(url)() as session:
        return [
            (c.conversation_id, c.name, c.phone, c.preferred_time, c.consent_given_at is not None)
            for c in session.execute(sa.select(CallbackRequest)).scalars()
        ]


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_names_must_be_words_not_numbers() -> None:
    assert clean_name("  Rahima   Begum ") == "Rahima Begum"
    assert clean_name("রহিমা বেগম") == "রহিমা বেগম"
    assert clean_name("01712345678") is None
    assert clean_name("call 0171 2345") is None
    assert clean_name("") is None
    assert clean_name("x" * 121) is None


def test_preferred_time_is_any_short_text() -> None:
    assert clean_time("বিকাল ৫টার পর") == "বিকাল ৫টার পর"
    assert clean_time("   ") is None
    assert clean_time("y" * 121) is None


def test_phone_numbers_are_checked_for_bangladesh() -> None:
    form = ValidateCallbackForm()
    tracker = load_tracker("faq_typed_vro_recovery")
    dispatcher = CollectingDispatcher()
    assert form.validate_callback_phone("০১৭১২-৩৪৫৬৭৮", dispatcher, tracker, {}) == {
        "callback_phone": "+8801712345678"
    }
    assert dispatcher.messages == []
    assert form.validate_callback_phone("12345", dispatcher, tracker, {}) == {
        "callback_phone": None
    }
    assert dispatcher.messages[0]["response"] == "utter_callback_phone_invalid"


async def test_declining_consent_ends_the_form_after_one_question() -> None:
    form = ValidateCallbackForm()
    slots = ["callback_consent", "callback_name", "callback_time", "callback_phone"]
    declined = load_tracker("faq_typed_vro_recovery", slots={"callback_consent": False})
    agreed = load_tracker("faq_typed_vro_recovery", slots={"callback_consent": True})
    dispatcher = CollectingDispatcher()
    assert await form.required_slots(slots, dispatcher, declined, {}) == ["callback_consent"]
    assert await form.required_slots(slots, dispatcher, agreed, {}) == slots


async def test_a_consented_request_is_stored_with_the_full_number(
    run_action, clinic_env, clinic_db
) -> None:
    messages, events = await run_action(
        ActionSubmitCallback(), "faq_typed_vro_recovery", slots=dict(FULL_FORM)
    )
    assert stored(clinic_db) == [
        ("scenario-faq-typed", "Rahima Begum", "+8801712345678", "Sunday after 5 pm", True)
    ]
    assert messages[0]["response"] == "utter_callback_saved"
    assert "•••" in messages[0]["callback_phone_masked"]
    assert "1712345678" not in messages[0]["callback_phone_masked"]
    assert set(slot_events(events).values()) == {None}


async def test_no_consent_means_nothing_is_stored(run_action, clinic_env, clinic_db) -> None:
    messages, events = await run_action(
        ActionSubmitCallback(),
        "faq_typed_vro_recovery",
        slots=dict(FULL_FORM, callback_consent=False),
    )
    assert stored(clinic_db) == []
    assert messages[0]["response"] == "utter_callback_not_stored"
    assert set(slot_events(events).values()) == {None}


async def test_stopping_the_form_forgets_the_answers(run_action, clinic_env, clinic_db) -> None:
    messages, events = await run_action(
        ActionCancelCallback(), "faq_typed_vro_recovery", slots={"callback_name": "Rahima"}
    )
    assert messages[0]["response"] == "utter_callback_not_stored"
    assert slot_events(events)["callback_name"] is None
    assert stored(clinic_db) == []


async def test_a_storage_failure_is_admitted(run_action, clinic_env) -> None:
    clinic_env(database_url="postgresql://nobody@127.0.0.1:1/none")
    messages, _ = await run_action(
        ActionSubmitCallback(), "faq_typed_vro_recovery", slots=dict(FULL_FORM)
    )
    assert messages[0]["response"] == "utter_callback_failed"


def latest(text: str) -> dict:
    return {"text": text, "intent": {"name": "deny", "confidence": 0.52}, "entities": []}


async def test_a_number_read_as_no_still_answers_the_phone_step(
    run_action, clinic_env, clinic_db
) -> None:
    slots = {**FULL_FORM, "callback_phone": None, "requested_slot": "callback_phone"}
    messages, events = await run_action(
        ActionCancelCallback(),
        "faq_typed_vro_recovery",
        slots=slots,
        latest_message=latest("০১৭১২-৩৪৫৬৭৮"),
    )
    assert messages == []
    assert slot_events(events) == {"callback_phone": "+8801712345678"}
    assert {"event": "followup", "name": "callback_form"} in [
        {key: e.get(key) for key in ("event", "name")} for e in events
    ]


async def test_a_name_read_as_no_still_answers_the_name_step(run_action) -> None:
    slots = {"callback_consent": True, "requested_slot": "callback_name"}
    messages, events = await run_action(
        ActionCancelCallback(),
        "faq_typed_vro_recovery",
        slots=slots,
        latest_message=latest("Nasrin Akter"),
    )
    assert messages == []
    assert slot_events(events) == {"callback_name": "Nasrin Akter"}


@pytest.mark.parametrize("text", ["no thanks", "না, থাক", "lagbe na", "cancel please"])
async def test_a_refusal_in_words_stops_the_form(run_action, clinic_db, text: str) -> None:
    slots = {"callback_consent": True, "requested_slot": "callback_name"}
    messages, events = await run_action(
        ActionCancelCallback(), "faq_typed_vro_recovery", slots=slots, latest_message=latest(text)
    )
    assert messages[0]["response"] == "utter_callback_not_stored"
    assert all(value is None for value in slot_events(events).values())


def test_answers_are_taken_only_when_valid_for_the_step() -> None:
    assert answer_to_requested_slot("callback_phone", "12345") == {}
    assert answer_to_requested_slot("callback_phone", "017 1234 5678") == {
        "callback_phone": "+8801712345678"
    }
    assert answer_to_requested_slot("callback_time", "after 5 pm") == {
        "callback_time": "after 5 pm"
    }
    assert answer_to_requested_slot("callback_name", "01712345678") == {}
    assert answer_to_requested_slot(None, "Rahima") == {}
    assert is_refusal("nah") and not is_refusal("Nahar Begum")
