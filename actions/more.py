"""The "tell me more" action: the rest of an FAQ answer after its short first part.

Every FAQ topic has a short first answer (``utter_faq/<topic>``) whose first
button sends ``/tell_me_more{"faq_topic": "<topic>"}``, and the rest of the
answer (``utter_faq_more/<topic>``). A typed "tell me more" / "আরও বলুন" has
no topic, so the topic is the last FAQ answer the assistant sent in this
conversation, read from the tracker's events.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.assistant_domain import assistant_domain
from actions.language import pending_language_notice
from actions.urgent_reminder import remind_urgent_care
from bot.faq_choice import MORE_PART_PREFIX, button_topic, last_faq_part

# No FAQ answered yet in this conversation: ask for a topic, offer staff.
NO_TOPIC_RESPONSE = "utter_more_no_topic"
# The rest of the last answer was already sent: that is all the page says.
ALL_SAID_RESPONSE = "utter_more_all_said"


def more_response_name(topic: str) -> str:
    """``dfo_recovery`` -> ``utter_faq_more/dfo_recovery``."""
    return f"{MORE_PART_PREFIX}{topic}"


def response_for_more(
    latest_message: Dict[str, Any], events: Iterable[Dict[str, Any]], responses: Dict[str, Any]
) -> str:
    """The response that answers "tell me more" in this conversation.

    A button names its topic: its rest is sent (again, if tapped again). A typed
    request gets the rest of the last FAQ answer; if that rest was the last FAQ
    message, or no FAQ was answered yet, a reply that says so.
    """
    topic = button_topic(latest_message)
    if topic is not None:
        name = more_response_name(topic)
        return name if name in responses else NO_TOPIC_RESPONSE
    last = last_faq_part(events)
    if last is None:
        return NO_TOPIC_RESPONSE
    topic, part = last
    if part == "more":
        return ALL_SAID_RESPONSE
    name = more_response_name(topic)
    return name if name in responses else NO_TOPIC_RESPONSE


class ActionTellMeMore(Action):
    """Sends the rest of an FAQ answer, or says there is none to send."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_tell_me_more"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Utters ``utter_faq_more/<topic>``, or a reply that offers topics and staff.

        A typed "tell me more" right after urgent-care advice gets the advice
        again, not the rest of an earlier answer (``remind_urgent_care``).
        """
        events = pending_language_notice(dispatcher, tracker)
        if button_topic(tracker.latest_message) is None and remind_urgent_care(dispatcher, tracker):
            return events
        name = response_for_more(
            tracker.latest_message,
            tracker.events,
            assistant_domain(domain).get("responses") or {},
        )
        dispatcher.utter_message(response=name)
        return events
