"""The widget channel's plain functions."""

import pytest

from bot.channels.webchat import MAX_MESSAGE_CHARS, RecentMessageIds, parse_user_message


def test_valid_message() -> None:
    message, problem = parse_user_message(
        {"message": "what is a VRO", "metadata": {"message_id": "abc", "display_text": "x" * 500}}
    )
    assert problem is None
    assert message["text"] == "what is a VRO"
    assert message["message_id"] == "abc"
    assert len(message["metadata"]["display_text"]) == 200


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (None, "payload_missing"),
        ("text", "invalid_payload"),
        ({"message": 12}, "invalid_payload"),
        ({}, "invalid_payload"),
        ({"message": "x" * (MAX_MESSAGE_CHARS + 1)}, "too_long"),
    ],
)
def test_bad_payloads_are_refused(data, problem) -> None:
    assert parse_user_message(data) == (None, problem)


def test_odd_metadata_is_dropped() -> None:
    message, _ = parse_user_message(
        {"message": "hi", "metadata": {"message_id": "x" * 100, "evil": 1}}
    )
    assert message["metadata"] == {}


def test_recent_ids_forget_the_oldest() -> None:
    recent = RecentMessageIds(capacity=2)
    recent.remember("s", "a")
    recent.remember("s", "b")
    assert recent.handled("s", "a") and not recent.handled("t", "a")
    recent.remember("s", "c")
    assert not recent.handled("s", "a") and recent.handled("s", "c")
    assert not recent.handled("s", None)
