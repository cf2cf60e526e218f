"""A red flag in a paused conversation is answered inside Rasa's own turn, once.

Staff have the conversation (Rasa paused: it predicts nothing), so only
``bot.speedups.paused_urgent`` answers here: over the REST channel, which
never called the channels' after-message guard.
"""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from tests.conftest import text_of
from tests.live.conftest import LiveAssistant
from tests.utils.databases import event_column
from tests.utils.stack import AssistantStack

pytestmark = pytest.mark.live

RED_FLAG = "since last night his toes are blue and he cant feel them"


def pause(stack: AssistantStack, sender: str) -> None:
    """What the console's takeover does to Rasa: a ``pause`` event."""
    response = requests.post(
        f"{stack.rasa_url}/conversations/{sender}/tracker/events",
        params={"token": stack.token},
        json={"event": "pause"},
        timeout=60,
    )
    assert response.status_code == 200, response.text


def actions_run(database_url: str, sender: str) -> list:
    rows = event_column(database_url, sender, "data")
    return [json.loads(row).get("name") for row in rows if json.loads(row)["event"] == "action"]


def test_a_red_flag_while_paused_gets_the_urgent_reply_once(
    stack: AssistantStack, assistant: LiveAssistant, responses
) -> None:
    sender = f"paused-{uuid.uuid4().hex[:12]}"
    assistant.send(sender, "what is a VRO")
    pause(stack, sender)

    replies = [reply.get("text") for reply in assistant.send(sender, RED_FLAG)]

    assert replies[0] == text_of(responses, "utter_urgent_care")
    assert actions_run(stack.database_url, sender).count("action_urgent_care") == 1


def test_other_messages_while_paused_stay_unanswered(
    stack: AssistantStack, assistant: LiveAssistant
) -> None:
    sender = f"paused-{uuid.uuid4().hex[:12]}"
    assistant.send(sender, "what is a VRO")
    pause(stack, sender)
    before = actions_run(stack.database_url, sender)

    assert assistant.send(sender, "what is a VRO") == []
    assert actions_run(stack.database_url, sender) == before
