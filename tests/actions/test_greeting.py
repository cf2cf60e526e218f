"""action_greet: a greeting, or "I have a question about ...", invites the question."""

import re
from typing import Any, Dict, List, Optional

import pytest

from actions.greeting import ActionGreet, greeting_response

BANGLA = re.compile(r"[\u0980-\u09FF]")


def user(text: str, page: Optional[str] = None) -> Dict[str, Any]:
    """A patient's message event, sent from an operation's page when ``page`` is set."""
    return {"event": "user", "text": text, "metadata": {"page_operation": page} if page else {}}


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("Hello, I have a question about the knee operation (DFO).", "utter_greet_knee"),
        ("I have a question about my son's hip surgery", "utter_greet_hip"),
        ("হিপের অপারেশন নিয়ে আমার একটা প্রশ্ন আছে", "utter_greet_hip"),
        ("DFO niye amar ekta proshno ache", "utter_greet_knee"),
        ("hello", "utter_greet"),
        ("I have a question", "utter_greet"),
    ],
)
def test_the_greeting_offers_the_topics_of_the_operation_named(text: str, response: str) -> None:
    assert greeting_response(text, [user(text)]) == response


def test_a_greeting_on_an_operations_page_offers_that_operations_topics() -> None:
    assert greeting_response("hello", [user("hello", page="hip")]) == "utter_greet_hip"
    assert greeting_response("hello", [user("hello", page="elbow")]) == "utter_greet"


def test_a_greeting_in_a_chat_about_one_operation_offers_its_topics() -> None:
    events = [user("what is a VRO?"), user("hello")]
    assert greeting_response("hello", events) == "utter_greet_hip"


def test_the_operation_named_comes_before_the_page() -> None:
    text = "I have a question about the knee operation"
    assert greeting_response(text, [user(text, page="hip")]) == "utter_greet_knee"


async def test_the_action_sends_the_invitation_for_the_operation_named(run_action) -> None:
    text = "Assalamu alaikum, I have a question about the hip operation (VRO)"
    messages, events = await run_action(
        ActionGreet(),
        "returning_patient",
        latest_message={"text": text, "intent": {"name": "greet", "confidence": 1.0}},
        events=[user(text)],
    )
    assert [message["response"] for message in messages] == ["utter_greet_hip"]
    assert events == []


@pytest.mark.parametrize("operation", ["knee", "hip"])
def test_each_invitation_offers_its_operations_topics_in_both_languages(
    domain: Dict[str, Any], operation: str
) -> None:
    prefix = "dfo_" if operation == "knee" else "vro_"
    for variation in domain["responses"][f"utter_greet_{operation}"]:
        language = next((c["value"] for c in variation.get("condition") or []), "en")
        payloads: List[str] = [button["payload"] for button in variation["buttons"]]
        topics = [payload.split('"')[3] for payload in payloads[:-1]]
        assert topics and all(topic.startswith(prefix) for topic in topics)
        assert payloads[-1] == "/request_human"
        # Each title names its topic's operation, in the variation's language.
        for button in variation["buttons"][:-1]:
            assert ("DFO" if operation == "knee" else "VRO") in button["title"]
            assert bool(BANGLA.search(button["title"])) == (language == "bn")
