"""After an answer, "I don't understand"; and "no" when nothing was asked."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.assistant_domain import assistant_domain
from actions.faq import response_name
from actions.greeting import greeting_response
from actions.language import tracker_language
from actions.urgent_reminder import remind_urgent_care
from bot.answer_unclear import unclear_answer
from bot.faq_choice import TOPIC_ENTITY
from bot.intents import FAQ_INTENT, REQUEST_HUMAN_INTENT
from bot.nlu.short_replies import says_answer_unclear
from bot.responses import response_variant

UNCLEAR_RESPONSE = "utter_answer_unclear"
ANYTHING_ELSE_RESPONSE = "utter_anything_else"
TELL_ME_MORE_INTENT = "tell_me_more"
STAFF_PAYLOAD = f"/{REQUEST_HUMAN_INTENT}"


def unclear_buttons(
    domain: Dict[str, Any], topic: str, part: str, language: str
) -> List[Dict[str, str]]:
    """The rest of the answer (after its first part only) and staff, titled as the answer's own."""
    variants = (domain.get("responses") or {}).get(response_name(f"{FAQ_INTENT}/{topic}")) or []
    buttons = response_variant(variants, language).get("buttons") or []
    chosen: List[Dict[str, str]] = []
    more = [b for b in buttons if str(b.get("payload", "")).startswith(f"/{TELL_ME_MORE_INTENT}")]
    if part == "first" and more:
        payload = f'/{TELL_ME_MORE_INTENT}{{"{TOPIC_ENTITY}": "{topic}"}}'
        chosen.append({"title": str(more[0]["title"]), "payload": payload})
    staff = [b for b in buttons if b.get("payload") == STAFF_PAYLOAD]
    if staff:
        chosen.append({"title": str(staff[0]["title"]), "payload": STAFF_PAYLOAD})
    return chosen


def send_unclear_reply(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
) -> bool:
    """Says sorry and offers the rest of the answer and staff, if the patient did not follow it.

    Returns:
        Whether the reply was sent (``bot.answer_unclear.unclear_answer``).
    """
    text = str(tracker.latest_message.get("text") or "")
    answer: Optional[tuple[str, str]] = unclear_answer(text, tracker.events)
    if answer is None:
        return False
    topic, part = answer
    buttons = unclear_buttons(assistant_domain(domain), topic, part, tracker_language(tracker))
    dispatcher.utter_message(response=UNCLEAR_RESPONSE, buttons=buttons)
    return True


class ActionAnythingElse(Action):
    """A "yes" or "no" with no question pending: anything else?

    After an answer, a "no" may be "I didn't follow" (``send_unclear_reply``);
    with no answer to explain, "I don't understand" gets the greeting's
    invitation and topics; after urgent-care advice, "ok" or "hmm?" gets the
    advice again.
    """

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_anything_else"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """``utter_anything_else``, or the reply for an answer the patient did not follow.

        Right after urgent-care advice ("hmm?", "no" read as a "no"), the
        advice again (``remind_urgent_care``): "anything else you would like
        to know?" would leave it behind.
        """
        if remind_urgent_care(dispatcher, tracker):
            return []
        if send_unclear_reply(dispatcher, tracker, domain):
            return []
        text = str(tracker.latest_message.get("text") or "")
        if says_answer_unclear(text):
            # "কিছু বুঝি না" with no answer to explain: "Okay, anything else?"
            # would brush it off; the invitation and its topics help.
            dispatcher.utter_message(response=greeting_response(text, list(tracker.events)))
            return []
        dispatcher.utter_message(response=ANYTHING_ELSE_RESPONSE)
        return []
