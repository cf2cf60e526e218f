"""The events before the message being answered."""

from bot.tracker_events import before_latest_message, responses_of_last_turn


def test_the_latest_message_and_what_follows_it_are_left_out() -> None:
    events = [
        {"event": "user", "text": "a"},
        {"event": "bot", "text": "b"},
        {"event": "user", "text": "c"},
        {"event": "action", "name": "action_clarify"},
    ]
    assert before_latest_message(events) == events[:2]


def test_without_a_message_every_event_is_before() -> None:
    events = [{"event": "action", "name": "action_listen"}]
    assert before_latest_message(events) == events
    assert before_latest_message([]) == []


def test_the_last_turns_responses_are_those_since_the_message_before() -> None:
    def bot(name: str) -> dict:
        return {"event": "bot", "text": "...", "metadata": {"utter_action": name}}

    events = [
        {"event": "user", "text": "hi"},
        bot("utter_greet"),
        {"event": "user", "text": "hmm"},
        {"event": "action", "name": "action_clarify"},
        bot("utter_clarify"),
        {"event": "bot", "text": "typed by staff", "metadata": {}},
        bot("utter_clarify_staff"),
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "still hmm"},
    ]
    assert responses_of_last_turn(events) == ["utter_clarify", "utter_clarify_staff"]
    assert responses_of_last_turn(events[:2] + [events[-1]]) == ["utter_greet"]
    assert responses_of_last_turn([{"event": "user", "text": "first"}]) == []
