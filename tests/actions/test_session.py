"""action_session_start: the disclaimer opens every session, slots carry over."""

from actions.session import ActionSessionStart


async def test_session_starts_with_the_disclaimer_and_keeps_slots(run_action) -> None:
    messages, events = await run_action(ActionSessionStart(), "returning_patient")
    assert [message["response"] for message in messages] == ["utter_intro"]
    assert events[0]["event"] == "session_started"
    assert {"event": "slot", "timestamp": None, "name": "urgent", "value": True} in events
    assert events[-1]["event"] == "action" and events[-1]["name"] == "action_listen"
