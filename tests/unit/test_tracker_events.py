"""The events before the message being answered."""

from bot.tracker_events import before_latest_message


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
