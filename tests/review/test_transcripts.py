"""Transcripts of conversations Rasa stored: masked, understood, annotated."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import Connection

from bot.review.transcripts import AssistantMessage, Marker, PatientMessage, transcript
from bot.storage import repository
from bot.storage.engine import engine_for, session_factory
from tests.review import scenario
from tests.review.helpers import save_conversations, user


def _kinds(items: tuple) -> list:
    return [item.marker if isinstance(item, Marker) else item.kind for item in items]


def test_faq_conversation(connection: Connection) -> None:
    result = transcript(connection, "faq-en")
    assert result.exists and not result.reviewed
    assert _kinds(result.items) == [
        "session_started",
        "patient", "assistant",
        "patient", "assistant",
        "patient", "assistant",
        "patient", "assistant",
    ]  # fmt: skip
    first = result.patient_messages[0]
    assert first.text == "What is a DFO? Please call me on [phone •••78]"
    assert "345678" not in " ".join(m.text for m in result.patient_messages)
    assert first.time == scenario.DAY1 + timedelta(minutes=1)
    assert (first.input_channel, first.language) == ("webchat", "en")
    assert (first.intent, first.confidence) == ("faq", 0.93)
    assert (first.answer_key, first.answer_confidence) == ("faq/dfo_what_is", 0.88)
    assert (first.low_confidence, first.fallback, first.is_button) == (False, False, False)
    assert first.red_flags == () and first.annotation is None
    assert first.answered_with == ("action_answer_faq", "utter_faq/dfo_what_is")
    thanks = result.patient_messages[3]
    assert thanks.answer_key is None
    # ActionExecuted("utter_welcome") and its BotUttered are one answer.
    assert thanks.answered_with == ("utter_welcome",)
    reply = result.items[2]
    assert isinstance(reply, AssistantMessage)
    assert (reply.sender, reply.staff_name, reply.response) == (
        "assistant", None, "utter_faq/dfo_what_is",
    )  # fmt: skip
    ids = [item.event_id for item in result.items]
    assert ids == sorted(ids)


def test_urgent_conversation_with_staff(connection: Connection) -> None:
    result = transcript(connection, "urgent-bn")
    assert _kinds(result.items) == [
        "patient", "assistant", "urgent", "paused", "assistant", "resumed", "patient", "assistant",
    ]  # fmt: skip
    message = result.patient_messages[0]
    assert message.text == scenario.BANGLA_URGENT
    assert (message.language, message.input_channel) == ("bn", "whatsapp")
    assert message.red_flags == ("fever", "wound_discharge")
    assert (message.intent, message.confidence) == ("urgent_symptoms", 1.0)
    assert message.answered_with == ("action_urgent_care", "utter_urgent_care")
    staff = result.items[4]
    assert isinstance(staff, AssistantMessage)
    assert (staff.sender, staff.staff_name, staff.response) == ("staff", "Rahima", None)
    assert staff.is_staff and not result.items[1].is_staff
    assert "[phone •••78]" in staff.text and "01812345678" not in staff.text
    # The staff reply is not something the assistant answered.
    assert "Rahima" not in str(result.patient_messages[0].answered_with)


def test_fallbacks_and_low_confidence(connection: Connection) -> None:
    result = transcript(connection, "fallback-latn")
    first, formula, unsure, yes = result.patient_messages
    assert (first.intent, first.fallback, first.low_confidence) == ("nlu_fallback", True, True)
    # Understood with confidence 0.72, but the assistant asked to clarify.
    assert (formula.intent, formula.fallback, formula.low_confidence) == (
        "out_of_scope", True, True,
    )  # fmt: skip
    assert formula.text == scenario.FORMULA_TEXT
    assert (unsure.fallback, unsure.low_confidence) == (False, True)
    assert (unsure.answer_key, unsure.answer_confidence) == ("faq/vro_hospital_stay", 0.35)
    assert (yes.fallback, yes.low_confidence) == (False, False)
    assert yes.answered_with == ("action_handoff", "utter_handoff")
    assert "handoff" in _kinds(result.items)
    clarify = result.items[1]
    assert isinstance(clarify, AssistantMessage) and clarify.buttons == ("Hip: plate removal",)


def test_button_tap_shows_its_title(connection: Connection) -> None:
    result = transcript(connection, "button")
    (tap,) = result.patient_messages
    assert (tap.text, tap.is_button) == ("Recovery after VRO", True)
    assert (tap.answer_key, tap.answer_confidence) == ("faq/vro_recovery", None)
    assert result.reviewed


def test_annotations_appear_on_their_message(
    clinic_url: str, connection: Connection, staff_id: int
) -> None:
    target = transcript(connection, "fallback-latn").patient_messages[0]
    connection.commit()
    engine = engine_for(clinic_url)
    try:
        with session_factory(engine).begin() as session:
            repository.save_annotation(
                session=session,
                conversation_id="fallback-latn",
                event_id=target.event_id,
                correct_key="faq/vro_implant_removal",
                created_by_id=staff_id,
            )
    finally:
        engine.dispose()
    annotated = transcript(connection, "fallback-latn").patient_messages
    assert [m.annotation for m in annotated] == ["faq/vro_implant_removal", None, None, None]


def test_unknown_conversation_is_empty(connection: Connection) -> None:
    result = transcript(connection, "never-seen")
    assert not result.exists and result.items == () and not result.reviewed


def test_patient_message_kinds(connection: Connection) -> None:
    result = transcript(connection, "old")
    assert isinstance(result.items[0], PatientMessage)
    assert result.items[0].kind == "patient"


async def test_language_as_the_detector_reports_it(
    clinic_url: str, domain: Domain, connection: Connection
) -> None:
    detected = {"code": "bn_latn", "clear": True, "confidence": 0.8}
    await save_conversations(
        clinic_url,
        domain,
        {"detected": [user("amar chele kobe hatbe", "faq", 0.7, at=scenario.DAY4,
                           language=detected)]},
    )  # fmt: skip
    connection.commit()
    (message,) = transcript(connection, "detected").patient_messages
    assert message.language == "bn_latn"


async def test_the_page_a_message_was_sent_from(
    clinic_url: str, domain: Domain, connection: Connection
) -> None:
    await save_conversations(
        clinic_url,
        domain,
        {"pages": [user("how long is the recovery", "faq", 0.9, at=scenario.DAY4,
                        metadata={"page_operation": "knee", "message_id": "abc"}),
                   user("and the cast?", "faq", 0.9, at=scenario.DAY4 + timedelta(minutes=1),
                        metadata={"page_operation": "elbow"}),
                   user("thanks", "thank", 0.9, at=scenario.DAY4 + timedelta(minutes=2))]},
    )  # fmt: skip
    connection.commit()
    pages = [m.page_operation for m in transcript(connection, "pages").patient_messages]
    # Only knee or hip count: the metadata came from a browser.
    assert pages == ["knee", None, None]


async def test_a_question_the_pages_do_not_answer_is_shown_as_the_classifiers_label(
    clinic_url: str, domain: Domain, connection: Connection
) -> None:
    # The NLU reports it as the contract's request_human, marked with an
    # entity; a reviewer corrects against the classifier's own label.
    text = "how much pain will he have after the VRO"
    mark = {"entity": "unanswered_question", "value": "pain_amount", "start": 0, "end": len(text)}
    await save_conversations(
        clinic_url,
        domain,
        {"unanswered": [user(text, "request_human", 1.0, at=scenario.DAY4, entities=[mark]),
                        user("can I talk to a nurse", "request_human", 0.9,
                             at=scenario.DAY4 + timedelta(minutes=1))]},
    )  # fmt: skip
    connection.commit()
    intents = [m.intent for m in transcript(connection, "unanswered").patient_messages]
    assert intents == ["beyond_sources", "request_human"]


def test_a_database_rasa_has_not_written_to_yet(database_url: str) -> None:
    engine = sa.create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            assert not transcript(connection, "anyone").exists
    finally:
        engine.dispose()
