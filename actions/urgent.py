"""The urgent path for red-flag symptoms."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.assistant_domain import assistant_domain
from actions.clinic_contact import contact_details
from actions.faq import topic_buttons
from actions.handoff import open_handoff_for
from actions.language import tracker_language
from bot.conversation_operation import keys_in_context
from bot.faq_choice import likely_faq_keys
from bot.log_redaction import conversation_reference
from bot.settings import get_settings
from bot.urgent_advice import MISREAD_TOPICS_RESPONSE, MODELS_ONLY_RESPONSE, urgent_response

logger = logging.getLogger(__name__)


def send_misread_topics(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
) -> None:
    """After the models-only advice, the topics the message may have asked about.

    "My knee is bent inward since childhood and the outer side hurts after
    long walks, what are my options?" was read as urgent by the models alone
    (0.47; the neighbour model read the knock knee). The advice stays first;
    the patient who meant a question is one tap from its answer, as in the
    clarifying turn, read in the operation of the conversation.
    """
    text = str(tracker.latest_message.get("text") or "")
    topics = keys_in_context(likely_faq_keys(tracker.latest_message), text, tracker.events)
    buttons = topic_buttons(assistant_domain(domain), topics, tracker_language(tracker))
    if buttons:
        dispatcher.utter_message(response=MISREAD_TOPICS_RESPONSE, buttons=buttons)


class ActionUrgentCare(Action):
    """Tells the patient to seek emergency care now, then alerts the clinic's staff.

    The urgent-care message always comes first. The conversation then goes to
    the front of the staff queue as an urgent handoff; if someone can answer
    now, the assistant pauses so that they can take over.
    """

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_urgent_care"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Sends the urgent-care message first, then the clinic's phone if known.

        Then the staff queue's word; and, after advice only the models asked
        for with nobody taking over, the topics the message may have meant.
        """
        advice = urgent_response(tracker.latest_message)
        dispatcher.utter_message(response=advice)
        details = contact_details(get_settings())
        if "clinic_phone" in details:
            dispatcher.utter_message(response="utter_clinic_phone", **details)
        flags = tracker.latest_message.get("red_flags") or []
        # Ids and red-flag names only: never the patient's words.
        events: List[EventType] = [SlotSet("urgent", True), SlotSet("handoff_requested", True)]
        outcome = await open_handoff_for(tracker, urgent=True, reason="urgent")
        logger.warning(
            "conversation.urgent",
            extra={
                "conversation": conversation_reference(tracker.sender_id),
                "red_flags": flags,
                "handoff_id": outcome.handoff_id if outcome else None,
            },
        )
        if outcome is not None and outcome.availability.available:
            # Staff take the conversation over: no topics the assistant would answer.
            dispatcher.utter_message(response="utter_urgent_staff_alerted")
            return events + [ConversationPaused()]
        if outcome is not None:
            dispatcher.utter_message(response="utter_urgent_staff_offline")
        if advice == MODELS_ONLY_RESPONSE:
            send_misread_topics(dispatcher, tracker, domain)
        return events
