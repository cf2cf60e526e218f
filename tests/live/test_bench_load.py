"""The bench's load generator against the real Rasa server (the shared live stack)."""

from __future__ import annotations

import uuid

import pytest

from bot.bench.load import load_texts, run_load
from tests.utils.databases import event_types
from tests.utils.stack import AssistantStack

pytestmark = pytest.mark.live


def test_load_generator_drives_concurrent_conversations(stack: AssistantStack) -> None:
    prefix = f"bench-test-{uuid.uuid4().hex[:8]}"
    result = run_load(stack.rasa_url, 3, 2, load_texts(), sender_prefix=prefix)

    assert result.errors == 0
    assert sorted((turn.conversation, turn.turn) for turn in result.turns) == [
        (conversation, turn) for conversation in range(3) for turn in range(2)
    ]
    figures = result.figures()
    assert figures["messages"] == 6
    assert figures["msg_per_s"] > 0
    for conversation in range(3):
        stored = event_types(stack.database_url, f"{prefix}-{conversation}")
        assert stored.count("user") == 2
        assert "bot" in stored


def test_load_generator_counts_refused_messages(stack: AssistantStack) -> None:
    # A sender id with a space is refused by our REST channel (400).
    result = run_load(stack.rasa_url, 1, 2, load_texts(), sender_prefix="not allowed")

    assert result.errors == 2
    assert result.answered == []
