"""The urgent path for red-flag symptoms."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_contact import contact_details
from bot.settings import get_settings

logger = logging.getLogger(__name__)


class ActionUrgentCare(Action):
    """Tells the patient to seek emergency care now and marks the conversation."""

    def name(self) -> str:
        return "action_urgent_care"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Sends the urgent-care message first, then the clinic's phone if known."""
        dispatcher.utter_message(response="utter_urgent_care")
        details = contact_details(get_settings())
        if "clinic_phone" in details:
            dispatcher.utter_message(response="utter_clinic_phone", **details)
        flags = tracker.latest_message.get("red_flags") or []
        # Ids and red-flag names only: never the patient's words.
        logger.warning(
            "conversation.urgent",
            extra={"sender_id": tracker.sender_id, "red_flags": flags},
        )
        return [SlotSet("urgent", True)]
