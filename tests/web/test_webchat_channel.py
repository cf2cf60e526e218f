"""The widget channel's plain functions."""

import pytest

from bot.channels.handled_messages import DONE, IN_PROGRESS, NEW, MemoryHandledMessages
from bot.channels.webchat import MAX_MESSAGE_CHARS, parse_user_message


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


@pytest.mark.parametrize("operation", ["knee", "hip"])
def test_the_pages_operation_is_kept(operation: str) -> None:
    message, _ = parse_user_message(
        {"message": "how long is the recovery", "metadata": {"page_operation": operation}}
    )
    assert message["metadata"] == {"page_operation": operation}


@pytest.mark.parametrize("value", ["shoulder", "KNEE", "", None, ["knee"], {"knee": 1}, 1])
def test_any_other_page_operation_is_dropped(value) -> None:
    message, _ = parse_user_message({"message": "hi", "metadata": {"page_operation": value}})
    assert message["metadata"] == {}


async def test_handled_ids_forget_the_oldest() -> None:
    handled = MemoryHandledMessages(capacity=2)
    for message_id in ("a", "b"):
        assert await handled.begin("s", message_id) == NEW
        await handled.finish("s", message_id)
    assert await handled.begin("s", "a") == DONE
    assert await handled.begin("t", "a") == NEW
    assert await handled.begin("t", "a") == IN_PROGRESS
    await handled.begin("s", "c")
    await handled.finish("s", "c")
    assert await handled.begin("s", "a") == NEW
    assert await handled.begin("s", "c") == DONE
