"""The urgent path for red-flag symptoms."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_contact import contact_details
from actions.handoff import open_handoff_for
from bot.log_redaction import conversation_reference
from bot.settings import get_settings
from bot.urgent_advice import urgent_response

logger = logging.getLogger(__name__)


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
        """Sends the urgent-care message first, then the clinic's phone if known."""
        dispatcher.utter_message(response=urgent_response(tracker.latest_message))
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
        if outcome is None:
            return events
        if outcome.availability.available:
            dispatcher.utter_message(response="utter_urgent_staff_alerted")
            return events + [ConversationPaused()]
        dispatcher.utter_message(response="utter_urgent_staff_offline")
        return events
