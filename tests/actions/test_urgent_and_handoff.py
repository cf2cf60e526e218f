"""action_urgent_care and action_handoff: messages, the staff queue, pausing."""

from datetime import timedelta
from typing import Any, Dict
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from actions.fallback import ActionClarify
from actions.handoff import ActionHandoff
from actions.more import ActionTellMeMore
from actions.scope import ActionBeyondSources, ActionOutOfScope
from actions.unclear import ActionAnythingElse
from actions.urgent import ActionUrgentCare
from bot.storage import repository
from bot.storage.engine import shared_session_factory
from bot.storage.models import Handoff, utc_now
from bot.urgent_advice import urgent_response

PAUSE = {"event": "pause", "timestamp": None}


def responses(messages):
    return [message["response"] for message in messages]


def slot_set(events, name):
    """The value an action's events set the slot ``name`` to (``None`` if unset)."""
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    return values[-1] if values else None


def handoffs(url):
    with shared_session_factory(url)() as session:
        return [
            (h.conversation_id, h.reason, h.urgent, h.status, h.language)
            for h in session.execute(sa.select(Handoff).order_by(Handoff.id)).scalars()
        ]


def staff_online(url, seen_ago=timedelta(seconds=10)):
    with shared_session_factory(url).begin() as session:
        account = repository.create_staff(
            session=session,
            username="nurse",
            display_name="Nurse Rahima",
            password_hash="x",
            role="staff",
        )
        account.last_seen_at = utc_now() - seen_ago


async def test_urgent_message_comes_first_then_an_urgent_handoff(
    run_action, clinic_env, clinic_db
) -> None:
    clinic_env(clinic_phone="+880 1711 000000")
    messages, events = await run_action(ActionUrgentCare(), "urgent_leaking_wound")
    assert responses(messages) == [
        "utter_urgent_care",
        "utter_clinic_phone",
        "utter_urgent_staff_offline",
    ]
    assert messages[1]["clinic_phone"] == "+880 1711 000000"
    assert {"event": "slot", "timestamp": None, "name": "urgent", "value": True} in events
    assert PAUSE not in events
    [(_, reason, urgent, status, _)] = handoffs(clinic_db)
    assert (reason, urgent, status) == ("urgent", True, "open")


async def test_urgent_with_staff_online_pauses_for_them(run_action, clinic_env, clinic_db) -> None:
    staff_online(clinic_db)
    messages, events = await run_action(ActionUrgentCare(), "urgent_leaking_wound")
    assert responses(messages) == ["utter_urgent_care", "utter_urgent_staff_alerted"]
    assert events[-1] == PAUSE


async def test_urgent_still_answers_when_the_database_is_down(run_action, clinic_env) -> None:
    clinic_env(database_url="postgresql://nobody@127.0.0.1:1/none")
    messages, events = await run_action(ActionUrgentCare(), "urgent_leaking_wound")
    assert responses(messages) == ["utter_urgent_care"]
    assert {"event": "slot", "timestamp": None, "name": "urgent", "value": True} in events


async def test_urgent_after_a_handoff_marks_it_urgent(run_action, clinic_env, clinic_db) -> None:
    await run_action(ActionHandoff(), "faq_typed_vro_recovery", sender_id="same-patient")
    await run_action(ActionUrgentCare(), "urgent_leaking_wound", sender_id="same-patient")
    assert handoffs(clinic_db) == [("same-patient", "requested", True, "open", "en")]


async def test_handoff_with_nobody_online_queues_it_and_offers_a_callback(
    run_action, clinic_env, clinic_db
) -> None:
    clinic_env(
        clinic_phone="+880 1711 000000",
        clinic_whatsapp="+880 1711-000000",
        clinic_hours="Saturday to Thursday, 10 am to 6 pm",
    )
    messages, events = await run_action(ActionHandoff(), "faq_typed_vro_recovery")
    assert responses(messages) == [
        "utter_handoff_nobody_online",
        "utter_handoff_contact",
        "utter_handoff_whatsapp",
        "utter_handoff_hours",
        "utter_offer_callback",
    ]
    assert messages[2]["clinic_whatsapp"] == "8801711000000"
    assert PAUSE not in events
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "handoff_requested",
        "value": True,
    } in events
    assert handoffs(clinic_db) == [("scenario-faq-typed", "requested", False, "open", "en")]
    # The call-back offer just made is what a "yes" answers (data/rules/handoff.yml).
    assert slot_set(events, "callback_offered") is True


async def test_handoff_outside_opening_hours_says_when_staff_answer(
    run_action, clinic_env, clinic_db
) -> None:
    # A day range that never includes today: the clinic is closed now.
    today = utc_now().astimezone(ZoneInfo("Asia/Dhaka")).strftime("%a").lower()
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    other = days[(days.index(today) + 3) % 7]
    clinic_env(clinic_opening_hours=f"{other} 09:00-17:00")
    staff_online(clinic_db)
    messages, events = await run_action(ActionHandoff(), "faq_typed_vro_recovery")
    assert responses(messages)[0] == "utter_handoff_closed_hours"
    assert "09:00" in messages[0]["next_opening"]
    assert PAUSE not in events


async def test_handoff_with_staff_online_pauses_the_assistant(
    run_action, clinic_env, clinic_db
) -> None:
    staff_online(clinic_db)
    messages, events = await run_action(ActionHandoff(), "faq_typed_vro_recovery")
    assert responses(messages) == ["utter_handoff_connecting"]
    assert events[-1] == PAUSE
    assert slot_set(events, "callback_offered") is False


async def test_staff_who_left_long_ago_do_not_count_as_online(
    run_action, clinic_env, clinic_db
) -> None:
    staff_online(clinic_db, seen_ago=timedelta(minutes=10))
    messages, events = await run_action(ActionHandoff(), "faq_typed_vro_recovery")
    assert responses(messages)[0] == "utter_handoff_nobody_online"
    assert PAUSE not in events


async def test_asking_twice_does_not_queue_twice(run_action, clinic_env, clinic_db) -> None:
    await run_action(ActionHandoff(), "faq_typed_vro_recovery")
    messages, _ = await run_action(ActionHandoff(), "faq_typed_vro_recovery")
    assert responses(messages)[0] == "utter_handoff_already_waiting"
    assert len(handoffs(clinic_db)) == 1


async def test_accepting_the_staff_offer_is_recorded_as_a_fallback_handoff(
    run_action, clinic_env, clinic_db
) -> None:
    await run_action(
        ActionHandoff(),
        "faq_typed_vro_recovery",
        latest_message={"text": "yes", "intent": {"name": "affirm", "confidence": 0.9}},
    )
    assert handoffs(clinic_db)[0][1] == "fallback"


async def test_handoff_without_contacts_points_to_the_website(run_action, clinic_env) -> None:
    clinic_env(clinic_phone="+8801XXXXXXXXX")
    messages, _ = await run_action(ActionHandoff(), "faq_typed_vro_recovery")
    assert "utter_handoff_no_contact" in responses(messages)
    assert "utter_handoff_contact" not in responses(messages)


async def test_patients_on_whatsapp_are_not_sent_the_whatsapp_link(run_action, clinic_env) -> None:
    clinic_env(clinic_whatsapp="+880 1711-000000")
    messages, _ = await run_action(
        ActionHandoff(),
        "faq_typed_vro_recovery",
        events=[
            {"event": "user", "text": "hi", "input_channel": "whatsapp", "parse_data": {}},
        ],
    )
    assert "utter_handoff_whatsapp" not in responses(messages)


@pytest.mark.parametrize(
    ("parse", "response"),
    [
        ({"red_flags": ["wound_problem"]}, "utter_urgent_care"),
        ({"red_flags": ["wound_problem"], "red_flag_question": True}, "utter_urgent_care_question"),
        (
            {"red_flags": ["warning_signs_question"], "red_flag_question": True},
            "utter_urgent_warning_signs",
        ),
        (
            {"red_flags": ["warning_signs_question", "wound_problem"], "red_flag_question": True},
            "utter_urgent_care_question",
        ),
        # Only the models read it as urgent: the advice, and "I may have misread you".
        ({}, "utter_urgent_care_unsure"),
        ({"red_flags": [], "red_flag_question": False}, "utter_urgent_care_unsure"),
    ],
)
def test_a_question_gets_the_urgent_message_worded_for_a_question(parse, response) -> None:
    assert urgent_response(parse) == response


async def test_a_question_about_a_sign_still_goes_to_the_staff_queue(
    run_action, clinic_env, clinic_db
) -> None:
    asked = {
        "text": "is it normal that the wound leaks yellow fluid?",
        "intent": {"name": "urgent_symptoms", "confidence": 1.0},
        "red_flags": ["wound_problem"],
        "red_flag_question": True,
    }
    messages, _ = await run_action(ActionUrgentCare(), "urgent_leaking_wound", latest_message=asked)
    assert responses(messages) == ["utter_urgent_care_question", "utter_urgent_staff_offline"]
    [(_, reason, urgent, status, _)] = handoffs(clinic_db)
    assert (reason, urgent, status) == ("urgent", True, "open")


async def test_a_message_only_the_models_read_as_urgent_still_reaches_staff_first(
    run_action, clinic_env, clinic_db
) -> None:
    """No sign the detector knows: the advice (worded for a possible misreading) and the queue."""
    read = {
        "text": "the leg just does not look right since last night",
        "intent": {"name": "urgent_symptoms", "confidence": 0.56},
        "red_flags": [],
    }
    messages, events = await run_action(
        ActionUrgentCare(), "urgent_leaking_wound", latest_message=read
    )
    assert responses(messages) == ["utter_urgent_care_unsure", "utter_urgent_staff_offline"]
    assert {"event": "slot", "timestamp": None, "name": "urgent", "value": True} in events
    [(_, reason, urgent, status, _)] = handoffs(clinic_db)
    assert (reason, urgent, status) == ("urgent", True, "open")


def misread_knee_question(**extra: Any) -> Dict[str, Any]:
    """A knock-knee question only the models read as urgent, the knee's topics ranked below."""
    ranking = [("faq/knee_valgus", 0.6), ("faq/dfo_symptoms", 0.3), ("faq/dfo_candidates", 0.1)]
    return {
        "text": "my knee is bent inward since childhood, what are my options?",
        "intent": {"name": "urgent_symptoms", "confidence": 0.47},
        "red_flags": [],
        "response_selector": {
            "faq": {
                "response": {"intent_response_key": ranking[0][0], "confidence": ranking[0][1]},
                "ranking": [
                    {"intent_response_key": key, "confidence": value} for key, value in ranking
                ],
            }
        },
        **extra,
    }


async def test_after_the_models_only_advice_the_topics_it_may_have_meant_are_offered(
    run_action, clinic_env, clinic_db
) -> None:
    messages, _ = await run_action(
        ActionUrgentCare(), "urgent_leaking_wound", latest_message=misread_knee_question()
    )
    assert responses(messages) == [
        "utter_urgent_care_unsure",
        "utter_urgent_staff_offline",
        "utter_urgent_unsure_topics",
    ]
    payloads = [button["payload"] for button in messages[-1]["buttons"]]
    assert payloads == [
        '/faq{"faq_topic": "knee_valgus"}',
        '/faq{"faq_topic": "dfo_symptoms"}',
        '/faq{"faq_topic": "dfo_candidates"}',
    ]


async def test_no_topics_when_staff_take_over_or_the_detector_found_a_sign(
    run_action, clinic_env, clinic_db
) -> None:
    signed, _ = await run_action(
        ActionUrgentCare(),
        "urgent_leaking_wound",
        latest_message=misread_knee_question(red_flags=["wound_problem"]),
    )
    assert "utter_urgent_unsure_topics" not in responses(signed)
    staff_online(clinic_db)
    taken_over, events = await run_action(
        ActionUrgentCare(), "urgent_leaking_wound", latest_message=misread_knee_question()
    )
    assert responses(taken_over) == ["utter_urgent_care_unsure", "utter_urgent_staff_alerted"]
    assert events[-1] == PAUSE


@pytest.mark.parametrize(
    "action",
    [
        ActionClarify(),
        ActionOutOfScope(),
        ActionBeyondSources(),
        ActionTellMeMore(),
        ActionAnythingElse(),
    ],
    ids=lambda action: action.name(),
)
async def test_a_message_right_after_urgent_advice_gets_the_advice_again(
    run_action, clinic_env, action
) -> None:
    # "can I wait until tomorrow?" is not told "I can't help with that".
    clinic_env(clinic_phone="+880 1711 000000")
    messages, _ = await run_action(action, "follow_up_after_urgent")
    assert responses(messages) == ["utter_urgent_follow_up", "utter_clinic_phone"]


async def test_the_advice_said_again_comes_before_any_language_notice(
    run_action, clinic_env
) -> None:
    # A Bangla red flag switched the chat to Bangla; the urgent reply did not
    # stop for the notice, and neither does the advice said again ("কী করব?").
    clinic_env(clinic_phone="+880 1711 000000")
    slots = {"language": "bn", "language_notice_due": True}
    messages, events = await run_action(ActionClarify(), "follow_up_after_urgent", slots=slots)
    assert responses(messages) == ["utter_urgent_follow_up", "utter_clinic_phone"]
    assert not [e for e in events if e.get("name") == "language_notice_due"]


@pytest.mark.parametrize("text", ["ok we are on the way", "আমরা হাসপাতালে যাচ্ছি"])
async def test_after_urgent_advice_a_patient_going_for_care_is_told_to_go_now(
    run_action, clinic_env, text
) -> None:
    clinic_env(clinic_phone="+880 1711 000000")
    said = {"text": text, "intent": {"name": "affirm", "confidence": 0.6}}
    messages, _ = await run_action(
        ActionAnythingElse(), "follow_up_after_urgent", latest_message=said
    )
    assert responses(messages) == ["utter_urgent_going", "utter_clinic_phone"]


@pytest.mark.parametrize(
    "text",
    ["কাল সকাল পর্যন্ত অপেক্ষা করা যাবে?", "can we wait till the morning?", "kal porjonto opekkha kori?"],
)
async def test_after_urgent_advice_a_question_about_waiting_gets_the_advice_not_the_queue(
    run_action, clinic_env, clinic_db, text
) -> None:
    # Read as a request for staff (0.33): the queue's "your request is with
    # staff" and a call-back offer do not answer "can I wait?".
    clinic_env(clinic_phone="+880 1711 000000")
    asked = {"text": text, "intent": {"name": "request_human", "confidence": 0.33}}
    messages, events = await run_action(
        ActionHandoff(), "follow_up_after_urgent", latest_message=asked
    )
    assert responses(messages) == ["utter_urgent_follow_up", "utter_clinic_phone"]
    assert handoffs(clinic_db) == []
    # No call-back was offered: an "ok" next must not start the call-back form.
    assert slot_set(events, "callback_offered") is False


async def test_after_urgent_advice_going_to_hospital_read_as_staff_is_told_to_go_now(
    run_action, clinic_env, clinic_db
) -> None:
    # "আচ্ছা, আমরা হাসপাতালে যাচ্ছি" (ok, we are going to the hospital) was
    # read as a request for staff and got "your request is already with staff".
    clinic_env(clinic_phone="+880 1711 000000")
    said = {"text": "আচ্ছা, আমরা হাসপাতালে যাচ্ছি", "intent": {"name": "request_human"}}
    messages, events = await run_action(
        ActionHandoff(), "follow_up_after_urgent", latest_message=said
    )
    assert responses(messages) == ["utter_urgent_going", "utter_clinic_phone"]
    assert handoffs(clinic_db) == []
    assert slot_set(events, "callback_offered") is False


async def test_after_urgent_advice_asking_for_staff_still_reaches_the_queue(
    run_action, clinic_env, clinic_db
) -> None:
    asked = {"text": "/request_human", "intent": {"name": "request_human", "confidence": 1.0}}
    messages, _ = await run_action(ActionHandoff(), "follow_up_after_urgent", latest_message=asked)
    assert "utter_urgent_follow_up" not in responses(messages)
    assert "utter_offer_callback" in responses(messages)
    assert len(handoffs(clinic_db)) == 1


async def test_after_urgent_advice_a_tapped_topic_still_gets_its_answer(run_action) -> None:
    tapped = {
        "text": '/tell_me_more{"faq_topic": "vro_what_is"}',
        "intent": {"name": "tell_me_more"},
        "entities": [{"entity": "faq_topic", "value": "vro_what_is"}],
    }
    messages, _ = await run_action(
        ActionTellMeMore(), "follow_up_after_urgent", latest_message=tapped
    )
    assert responses(messages) == ["utter_faq_more/vro_what_is"]
