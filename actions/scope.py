"""Replies to questions the assistant does not answer itself.

Out of scope ("what about my shoulder?") and on our topics but beyond what
the two source pages say ("how much will it hurt?"). Both are answering
actions like the FAQ: a patient whose first message switched the reply
language to Bangla hears the one-time language notice first.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.language import pending_language_notice

OUT_OF_SCOPE_RESPONSE = "utter_out_of_scope"
BEYOND_SOURCES_RESPONSE = "utter_beyond_sources"


class _ReplyAfterNotice(Action, ABC):
    """The pending language notice, then one response (abstract: not registered)."""

    @property
    @abstractmethod
    def response(self) -> str:
        """The response to send."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Sends the language notice if one is pending, then the response."""
        events = pending_language_notice(dispatcher, tracker)
        dispatcher.utter_message(response=self.response)
        return events


class ActionOutOfScope(_ReplyAfterNotice):
    """What the assistant can help with, and staff."""

    response = OUT_OF_SCOPE_RESPONSE

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_out_of_scope"


class ActionBeyondSources(_ReplyAfterNotice):
    """The source pages do not answer this: say so honestly, and offer staff."""

    response = BEYOND_SOURCES_RESPONSE

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_beyond_sources"
