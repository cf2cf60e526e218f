"""Answers FAQ questions, whether typed or chosen with a topic button."""

from __future__ import annotations

import logging
from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.assistant_domain import assistant_domain
from actions.language import pending_language_notice, tracker_language
from actions.response_names import BEYOND_SOURCES_RESPONSE, OUT_OF_SCOPE_RESPONSE
from bot.conversation_operation import COUNTERPARTS, answer_in_context, unstated_operation
from bot.faq_choice import TOPIC_ENTITY, faq_message_answer
from bot.intents import FAQ_INTENT
from bot.log_redaction import conversation_reference

logger = logging.getLogger(__name__)

RETRIEVAL_INTENT = FAQ_INTENT
# Said before an answer whose operation the patient did not name: which one it is about.
ABOUT_OPERATION_RESPONSE = "utter_answer_about_{operation}"


def response_name(faq_key: str) -> str:
    """``faq/dfo_recovery`` -> ``utter_faq/dfo_recovery``."""
    return f"utter_{faq_key}"


def topic_title(domain: Dict[str, Any], faq_key: str, language: str = "en") -> Optional[str]:
    """The short button title stored with an FAQ answer's provenance, in ``language``."""
    field = "topic_title_bn" if language == "bn" else "topic_title"
    variations = (domain.get("responses") or {}).get(response_name(faq_key)) or []
    for variation in variations:
        title = (variation.get("metadata") or {}).get(field)
        if title:
            return title
    return None


def topic_button(
    domain: Dict[str, Any], faq_key: str, language: str = "en"
) -> Optional[Dict[str, str]]:
    """A quick-reply button that asks for one FAQ topic, if the topic exists."""
    title = topic_title(domain, faq_key, language) or topic_title(domain, faq_key)
    if title is None:
        return None
    topic = faq_key.split("/", 1)[1]
    return {"title": title, "payload": f'/{RETRIEVAL_INTENT}{{"{TOPIC_ENTITY}": "{topic}"}}'}


def topic_buttons(
    domain: Dict[str, Any], faq_keys: Iterable[str], language: str = "en"
) -> List[Dict[str, str]]:
    """A quick-reply button per FAQ topic, in order, leaving out topics that do not exist."""
    return [
        button for button in (topic_button(domain, key, language) for key in faq_keys) if button
    ]


def other_operation_button(
    domain: Dict[str, Any], faq_key: str, language: str = "en"
) -> Optional[Dict[str, str]]:
    """The same question's answer for the other operation, as a button, if there is one.

    Offered beside an answer whose operation the patient did not name ("how
    long is the recovery?"): the answer says which operation it is about, and
    a parent asking about the other one is one tap from theirs.
    """
    counterpart = COUNTERPARTS.get(faq_key)
    return topic_button(domain, counterpart, language) if counterpart else None


class ActionAnswerFaq(Action):
    """Sends the FAQ answer for the topic the patient asked about."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_faq"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Utters ``utter_faq/<topic>``; an unknown topic gets the out-of-scope reply."""
        events = pending_language_notice(dispatcher, tracker)
        choice = faq_message_answer(tracker.latest_message)
        faq_key = choice.key if choice else None
        unstated = None
        if choice and not choice.from_button:
            text = str(tracker.latest_message.get("text") or "")
            # "What is its purpose?" after talking about the hip: the hip's answer.
            faq_key = answer_in_context(choice.key, text, tracker.events)
            if faq_key is None:
                dispatcher.utter_message(response=BEYOND_SOURCES_RESPONSE)
                return events
            # "What are the risks of the surgery?" as a first message: say which operation.
            unstated = unstated_operation(faq_key, text, tracker.events)
        assistant = assistant_domain(domain)
        responses = assistant.get("responses") or {}
        if faq_key and response_name(faq_key) in responses:
            other = None
            if unstated:
                dispatcher.utter_message(
                    response=ABOUT_OPERATION_RESPONSE.format(operation=unstated)
                )
                other = other_operation_button(assistant, faq_key, tracker_language(tracker))
            dispatcher.utter_message(
                response=response_name(faq_key), buttons=[other] if other else None
            )
        else:
            logger.warning(
                "faq.unknown_topic",
                extra={"conversation": conversation_reference(tracker.sender_id)},
            )
            dispatcher.utter_message(response=OUT_OF_SCOPE_RESPONSE)
        return events
