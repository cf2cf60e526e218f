"""A greeting, or "I have a question about ...": invite the question."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from rasa_sdk import Tracker

from actions.language import ReplyAfterNotice
from bot.conversation_operation import operation_in_view
from bot.nlu.named_operation import HIP, KNEE

# The invitation that offers one operation's commonest topics.
GREETING_FOR_OPERATION: Mapping[str, str] = {
    KNEE: "utter_greet_knee",
    HIP: "utter_greet_hip",
}
# The invitation that offers both operations.
GREETING = "utter_greet"


def greeting_response(message_text: str, events: List[Dict[str, Any]]) -> str:
    """The greeting to send: about the one operation in view, else about both.

    "Hello, I have a question about the hip operation (VRO)" gets the hip's
    topics; so does "hello" in a chat about the hip, or opened on the hip
    operation's page. WhatsApp links from such a page say which operation
    the question is about, for the same reason.
    """
    operation: Optional[str] = operation_in_view(message_text, events)
    return GREETING_FOR_OPERATION.get(operation or "", GREETING)


class ActionGreet(ReplyAfterNotice):
    """Invites the patient's question, with the topics of the operation in view."""

    response = GREETING

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_greet"

    def response_for(self, tracker: Tracker) -> str:
        """``utter_greet``, or the invitation for the one operation in view."""
        text = str(tracker.latest_message.get("text") or "")
        return greeting_response(text, list(tracker.events))
