"""What the assistant does when it is not sure what the patient meant."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.assistant_domain import assistant_domain
from actions.faq import topic_button
from actions.language import pending_language_notice, tracker_language
from actions.unclear import send_unclear_reply
from actions.urgent import remind_urgent_care
from bot.conversation_operation import keys_in_context
from bot.faq_choice import likely_faq_keys
from bot.nlu.question_focus import asks_nothing


def input_status(latest_message: Dict[str, Any]) -> str:
    """The input guard's verdict on the latest message (``ok`` if unknown)."""
    return (latest_message.get("input_check") or {}).get("status", "ok")


def send_clarifying_turn(
    dispatcher: CollectingDispatcher,
    domain: Dict[str, Any],
    faq_keys: Iterable[str],
    language: str,
    story: bool = False,
) -> None:
    """Asks "Did you mean one of these?" with a button per topic, then offers staff.

    A patient who told something and asked nothing (``story``) is thanked
    and asked what they would like to know, not told they were not
    understood. With no topic to offer, the patient is asked to rephrase.
    """
    domain = assistant_domain(domain)
    buttons = [
        button for button in (topic_button(domain, key, language) for key in faq_keys) if button
    ]
    if buttons:
        response = "utter_clarify_story" if story else "utter_clarify"
        dispatcher.utter_message(response=response, buttons=buttons)
    else:
        dispatcher.utter_message(response="utter_rephrase")
    dispatcher.utter_message(response="utter_clarify_staff")


class ActionClarify(Action):
    """One clarifying turn: the likeliest topics as buttons, and staff."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_clarify"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Asks which topic was meant, or explains what was wrong with the input.

        Right after urgent-care advice, the advice again (``remind_urgent_care``);
        "I don't understand" right after an answer, its rest and staff
        (``send_unclear_reply``).
        """
        events = pending_language_notice(dispatcher, tracker)
        status = input_status(tracker.latest_message)
        if status in ("empty", "no_words"):
            dispatcher.utter_message(response="utter_input_empty")
            return events
        if status == "too_long":
            dispatcher.utter_message(response="utter_input_too_long")
            return events
        if remind_urgent_care(dispatcher, tracker):
            return events
        if send_unclear_reply(dispatcher, tracker, domain):
            return events
        text = str(tracker.latest_message.get("text") or "")
        send_clarifying_turn(
            dispatcher,
            domain,
            keys_in_context(likely_faq_keys(tracker.latest_message), text, tracker.events),
            tracker_language(tracker),
            story=asks_nothing(text),
        )
        return events
