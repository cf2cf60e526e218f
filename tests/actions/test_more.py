"""action_tell_me_more: the rest of an FAQ answer, by button or typed."""

from typing import Any, Dict, List

from actions.more import ActionTellMeMore, last_faq_part, more_response_name

SCENARIO = "more_typed_after_vro_recovery"


def bot_event(response: str) -> Dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def events_of(scenario_events: List[Dict[str, Any]], *responses: str) -> List[Dict[str, Any]]:
    """The scenario's events up to the typed request, with extra bot messages before it."""
    return scenario_events[:-1] + [bot_event(name) for name in responses] + scenario_events[-1:]


async def test_button_sends_the_rest_of_its_topic(run_action) -> None:
    messages, events = await run_action(ActionTellMeMore(), "more_button_dfo_types")
    assert [m["response"] for m in messages] == ["utter_faq_more/dfo_types"]
    assert events == []


async def test_typed_request_sends_the_rest_of_the_last_faq_answer(run_action) -> None:
    messages, _ = await run_action(ActionTellMeMore(), SCENARIO)
    assert [m["response"] for m in messages] == ["utter_faq_more/vro_recovery"]


async def test_the_latest_faq_answer_wins(run_action) -> None:
    from tests.actions.conftest import load_tracker

    history = load_tracker(SCENARIO).events
    later = events_of(history, "utter_faq/hip_anatomy", "utter_welcome")
    messages, _ = await run_action(ActionTellMeMore(), SCENARIO, events=later)
    assert [m["response"] for m in messages] == ["utter_faq_more/hip_anatomy"]


async def test_after_the_rest_was_sent_it_says_that_is_all(run_action) -> None:
    from tests.actions.conftest import load_tracker

    history = load_tracker(SCENARIO).events
    after_more = events_of(history, "utter_faq_more/vro_recovery")
    messages, _ = await run_action(ActionTellMeMore(), SCENARIO, events=after_more)
    assert [m["response"] for m in messages] == ["utter_more_all_said"]


async def test_without_any_faq_answer_it_asks_for_a_topic(run_action) -> None:
    messages, _ = await run_action(ActionTellMeMore(), SCENARIO, events=[])
    assert [m["response"] for m in messages] == ["utter_more_no_topic"]


async def test_forged_topic_asks_for_a_topic(run_action) -> None:
    latest = {
        "text": '/tell_me_more{"faq_topic": "not_a_topic"}',
        "intent": {"name": "tell_me_more", "confidence": 1.0},
        "entities": [{"entity": "faq_topic", "value": "not_a_topic"}],
    }
    messages, _ = await run_action(ActionTellMeMore(), SCENARIO, latest_message=latest)
    assert [m["response"] for m in messages] == ["utter_more_no_topic"]


async def test_pending_language_notice_comes_first(run_action) -> None:
    messages, events = await run_action(
        ActionTellMeMore(), SCENARIO, slots={"language_notice_due": True}
    )
    assert [m["response"] for m in messages] == [
        "utter_language_auto_bn",
        "utter_faq_more/vro_recovery",
    ]
    assert [(e["event"], e["name"], e["value"]) for e in events] == [
        ("slot", "language_notice_due", False)
    ]


def test_every_rest_the_action_can_send_is_in_the_domain(domain: Dict[str, Any]) -> None:
    first = [name for name in domain["responses"] if name.startswith("utter_faq/")]
    assert first
    for name in first:
        assert more_response_name(name.removeprefix("utter_faq/")) in domain["responses"]
    assert {"utter_more_no_topic", "utter_more_all_said"} <= set(domain["responses"])
    assert "action_tell_me_more" in domain["actions"]
    assert "tell_me_more" in [
        next(iter(i)) if isinstance(i, dict) else i for i in domain["intents"]
    ]


def test_last_faq_part_reads_rasas_response_names() -> None:
    assert last_faq_part([]) is None
    assert last_faq_part([bot_event("utter_greet")]) is None
    assert last_faq_part([bot_event("utter_faq/dfo_types")]) == ("dfo_types", "first")
    events = [bot_event("utter_faq/dfo_types"), bot_event("utter_faq_more/dfo_types")]
    assert last_faq_part(events) == ("dfo_types", "more")
