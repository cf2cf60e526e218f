"""Handing a conversation to the clinic's staff."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_contact import utter_contact_options
from bot.settings import get_settings

logger = logging.getLogger(__name__)


class ActionHandoff(Action):
    """Acknowledges the request for a person and gives the clinic's contacts.

    The staff console (live takeover) builds on this action; for now it
    records the request in the conversation and says how to reach staff.
    """

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Says a person will help and how to reach the clinic."""
        dispatcher.utter_message(response="utter_handoff")
        utter_contact_options(dispatcher, get_settings())
        logger.info("conversation.handoff_requested", extra={"sender_id": tracker.sender_id})
        return [SlotSet("handoff_requested", True)]
