"""After an answer, "I don't understand" gets its rest and staff; a "no", anything else?"""

from typing import Any, Dict

import pytest

from actions.fallback import ActionClarify
from actions.scope import ActionOutOfScope
from actions.unclear import ActionAnythingElse
from tests.utils.parse_data import parse_data


def said(text: str, intent: str, confidence: float) -> Dict[str, Any]:
    return parse_data(text, intent, confidence)


@pytest.mark.parametrize(
    ("action", "intent"), [(ActionClarify(), "nlu_fallback"), (ActionOutOfScope(), "out_of_scope")]
)
async def test_not_understood_after_an_answer_offers_its_rest_and_staff(
    run_action, action, intent
) -> None:
    # After the hip's "what is a VRO" (its first part), read as not understood or out of scope.
    latest = said("I don't understand", intent, 0.3)
    messages, _ = await run_action(action, "faq_follow_up_after_vro", latest_message=latest)
    assert [message["response"] for message in messages] == ["utter_answer_unclear"]
    assert messages[0]["buttons"] == [
        {"title": "Tell me more", "payload": '/tell_me_more{"faq_topic": "vro_what_is"}'},
        {"title": "Talk to staff", "payload": "/request_human"},
    ]


async def test_in_bangla_the_buttons_are_the_answers_bangla_ones(run_action) -> None:
    # "বুঝলাম না" is read as "no" (deny) by the models.
    latest = said("বুঝলাম না", "deny", 0.86)
    messages, _ = await run_action(
        ActionAnythingElse(),
        "faq_follow_up_after_vro",
        latest_message=latest,
        slots={"language": "bn"},
    )
    assert [message["response"] for message in messages] == ["utter_answer_unclear"]
    assert [button["title"] for button in messages[0]["buttons"]] == [
        "আরও বলুন",
        "কর্মীর সাথে কথা বলুন",
    ]


async def test_a_plain_no_still_asks_whether_there_is_anything_else(run_action) -> None:
    latest = said("no", "deny", 0.99)
    messages, _ = await run_action(
        ActionAnythingElse(), "faq_follow_up_after_vro", latest_message=latest
    )
    assert [message["response"] for message in messages] == ["utter_anything_else"]


async def test_not_understood_with_no_answer_before_is_the_clarifying_turn(run_action) -> None:
    latest = said("I don't understand", "nlu_fallback", 0.3)
    messages, _ = await run_action(ActionClarify(), "low_confidence_knee", latest_message=latest)
    assert "utter_answer_unclear" not in [message["response"] for message in messages]


@pytest.mark.parametrize(
    ("page", "invitation"), [(None, "utter_greet"), ("hip", "utter_greet_hip")]
)
async def test_not_understood_read_as_no_with_no_answer_before_gets_the_invitation(
    run_action, page, invitation
) -> None:
    # "কিছু বুঝি না" (I don't understand anything) as a first message, read as
    # "no": "Okay, anything else?" would brush it off.
    text = "kichu bujhi na"
    metadata = {"page_operation": page} if page else {}
    messages, _ = await run_action(
        ActionAnythingElse(),
        "low_confidence_knee",
        latest_message=said(text, "deny", 0.6),
        events=[{"event": "user", "text": text, "parse_data": {}, "metadata": metadata}],
    )
    assert [message["response"] for message in messages] == [invitation]
