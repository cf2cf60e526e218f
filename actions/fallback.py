"""What the assistant does when it is not sure what the patient meant."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.assistant_domain import assistant_domain
from actions.faq import response_name, topic_buttons
from actions.greeting import GREETING_FOR_OPERATION
from actions.language import pending_language_notice, tracker_language
from actions.response_names import BEYOND_SOURCES_RESPONSE
from actions.unclear import send_unclear_reply
from actions.urgent_reminder import remind_urgent_care
from bot.conversation_operation import counterpart_of_last_answer, keys_in_context
from bot.faq_choice import likely_faq_keys
from bot.follow_up import offered_topics, safety_follow_up
from bot.nlu.other_operation import other_operation_asked
from bot.nlu.question_focus import asks_nothing
from bot.tracker_events import responses_of_last_turn

# The responses that ask which topic was meant, or to rephrase. Not the
# thanks for a story ("what would you like to know?"): the patient was not
# misunderstood, and their first question after it is not "still" unclear.
CLARIFYING_RESPONSES = frozenset({"utter_clarify", "utter_rephrase"})
# "Sorry, I still don't understand. Shall I pass your question to staff?"
OFFER_STAFF_RESPONSE = "utter_offer_staff"
# Whether action_clarify just offered staff: only then does "yes" or "no"
# answer that offer (domain.yml, data/rules/fallback.yml).
STAFF_OFFERED_SLOT = "staff_offered"


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
    buttons = topic_buttons(assistant_domain(domain), faq_keys, language)
    if buttons:
        response = "utter_clarify_story" if story else "utter_clarify"
        dispatcher.utter_message(response=response, buttons=buttons)
    else:
        dispatcher.utter_message(response="utter_rephrase")
    dispatcher.utter_message(response="utter_clarify_staff")


def send_for_other_operation(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], operation: str
) -> None:
    """The last answer's counterpart for "and for the hip?", or what to ask about that operation."""
    key = counterpart_of_last_answer(operation, tracker.events)
    responses = assistant_domain(domain).get("responses") or {}
    if key and response_name(key) in responses:
        dispatcher.utter_message(response=response_name(key))
    else:
        dispatcher.utter_message(response=GREETING_FOR_OPERATION[operation])


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
        "and for the hip?", the last answer's counterpart for the hip
        (``send_for_other_operation``); "I don't understand" right after an
        answer, its rest and staff (``send_unclear_reply``). "Is it safe?"
        offers the hip's downsides first, and about the knee, whose page
        names none, gets the honest "the pages do not say"
        (``safety_follow_up``), as out of scope.

        Right after a clarifying question, a second message none of these
        reads is "still" not understood: staff are offered. Sets
        ``staff_offered``: only then does "yes" or "no" answer that offer.
        """
        events = pending_language_notice(dispatcher, tracker)
        offered = self._reply(dispatcher, tracker, domain)
        return events + [SlotSet(STAFF_OFFERED_SLOT, offered)]

    @staticmethod
    def _reply(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> bool:
        """Sends the reply; whether it offered staff after a second unclear message."""
        status = input_status(tracker.latest_message)
        if status in ("empty", "no_words"):
            dispatcher.utter_message(response="utter_input_empty")
            return False
        if status == "too_long":
            dispatcher.utter_message(response="utter_input_too_long")
            return False
        if remind_urgent_care(dispatcher, tracker):
            return False
        text = str(tracker.latest_message.get("text") or "")
        operation = other_operation_asked(text)
        if operation:
            send_for_other_operation(dispatcher, tracker, domain, operation)
            return False
        if send_unclear_reply(dispatcher, tracker, domain):
            return False
        safety = safety_follow_up(tracker.latest_message, tracker.events)
        if safety is not None and safety.safety_unanswered:
            dispatcher.utter_message(response=BEYOND_SOURCES_RESPONSE)
            return False
        if safety is not None:
            topics = offered_topics(tracker.latest_message, safety)
        elif CLARIFYING_RESPONSES & set(responses_of_last_turn(tracker.events)):
            dispatcher.utter_message(response=OFFER_STAFF_RESPONSE)
            return True
        else:
            topics = keys_in_context(likely_faq_keys(tracker.latest_message), text, tracker.events)
        send_clarifying_turn(
            dispatcher, domain, topics, tracker_language(tracker), story=asks_nothing(text)
        )
        return False
