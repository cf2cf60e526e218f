"""action_urgent_care and action_handoff, with and without clinic contact details."""

from actions.handoff import ActionHandoff
from actions.urgent import ActionUrgentCare


async def test_urgent_message_comes_first_and_marks_the_conversation(
    run_action, clinic_env
) -> None:
    clinic_env(clinic_phone="+880 1711 000000")
    messages, events = await run_action(ActionUrgentCare(), "urgent_leaking_wound")
    assert [message["response"] for message in messages] == [
        "utter_urgent_care",
        "utter_clinic_phone",
    ]
    assert messages[1]["clinic_phone"] == "+880 1711 000000"
    assert events == [{"event": "slot", "timestamp": None, "name": "urgent", "value": True}]


async def test_urgent_without_a_configured_phone_sends_no_empty_number(
    run_action, clinic_env
) -> None:
    messages, _ = await run_action(ActionUrgentCare(), "urgent_leaking_wound")
    assert [message["response"] for message in messages] == ["utter_urgent_care"]


async def test_handoff_gives_every_configured_contact(run_action, clinic_env) -> None:
    clinic_env(
        clinic_phone="+880 1711 000000",
        clinic_whatsapp="+880 1711-000000",
        clinic_hours="Saturday to Thursday, 10 am to 6 pm",
    )
    messages, events = await run_action(ActionHandoff(), "faq_typed_vro_recovery")
    assert [message["response"] for message in messages] == [
        "utter_handoff",
        "utter_handoff_contact",
        "utter_handoff_whatsapp",
        "utter_handoff_hours",
    ]
    assert messages[2]["clinic_whatsapp"] == "8801711000000"
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "handoff_requested",
        "value": True,
    } in events


async def test_handoff_without_contacts_points_to_the_website(run_action, clinic_env) -> None:
    clinic_env(clinic_phone="+8801XXXXXXXXX")
    messages, _ = await run_action(ActionHandoff(), "faq_typed_vro_recovery")
    assert [message["response"] for message in messages] == [
        "utter_handoff",
        "utter_handoff_no_contact",
    ]
