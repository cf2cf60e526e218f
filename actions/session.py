"""Start of every conversation session: the assistant introduces itself."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.assistant_domain import assistant_domain


def carried_over_slots(tracker: Tracker) -> List[EventType]:
    """Slot events that keep the previous session's slots in the new one."""
    return [
        SlotSet(key=event["name"], value=event["value"])
        for event in tracker.events
        if event.get("event") == "slot"
    ]


class ActionSessionStart(Action):
    """Starts a session with the disclaimer, before the first answer."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_session_start"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Says who the assistant is, then hands over to the first message."""
        events: List[EventType] = [SessionStarted()]
        session_config = assistant_domain(domain).get("session_config") or {}
        if session_config.get("carry_over_slots_to_new_session", True):
            events.extend(carried_over_slots(tracker))
        dispatcher.utter_message(response="utter_intro")
        events.append(ActionExecuted("action_listen"))
        return events
