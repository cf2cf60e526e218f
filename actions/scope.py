"""Replies to questions the assistant does not answer itself.

Out of scope ("what about my shoulder?") and on our topics but beyond what
the two source pages say ("how much will it hurt?"). Both are answering
actions like the FAQ: a patient whose first message switched the reply
language to Bangla hears the one-time language notice first. A short
follow-up the NLU read as out of scope ("How is it done?" after an answer
about the hip) gets the clarifying turn instead, its topics read in the
conversation's operation (``bot.follow_up``); a short statement about one
of the operations ("my son is 6 with cerebral palsy") the invitation to ask
about it. Right after urgent-care advice, none of these is sent: the advice
comes again (``bot.urgent_follow_up``).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.assistant_domain import assistant_domain
from actions.fallback import send_clarifying_turn
from actions.faq import topic_button, topic_buttons
from actions.greeting import GREETING_FOR_OPERATION
from actions.language import ReplyAfterNotice, pending_language_notice, tracker_language
from actions.response_names import (
    BEYOND_SOURCES_RESPONSE,
    OUT_OF_SCOPE_RESPONSE,
    OWN_DECISION_RESPONSE,
)
from actions.unclear import send_unclear_reply
from actions.urgent_reminder import remind_urgent_care
from bot.conversation_operation import keys_in_context
from bot.follow_up import offered_topics, operation_told_of, read_follow_up
from bot.intents import TOPIC_EVIDENCE, UNANSWERED_KIND
from bot.related_answer import related_answer

# After the honest reply, the closest answer the pages give, as a button.
RELATED_ANSWER_RESPONSE = "utter_beyond_sources_related"
# Whether to have the operation (``unanswered_kinds.yml``): no advice, then
# what the pages say of whom each operation is for, read in the conversation's.
OWN_DECISION_KIND = "own_decision"
OWN_DECISION_GENERAL_RESPONSE = "utter_own_decision_general"
WHO_IT_IS_FOR = ("faq/dfo_candidates", "faq/vro_cerebral_palsy")


def asks_own_decision(parse: Dict[str, Any]) -> bool:
    """Whether the message asks whether this patient should have the operation."""
    return (parse.get(TOPIC_EVIDENCE) or {}).get(UNANSWERED_KIND) == OWN_DECISION_KIND


def send_own_decision_reply(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
) -> None:
    """No personal advice and staff, then whom the operation is for, as buttons."""
    dispatcher.utter_message(response=OWN_DECISION_RESPONSE)
    text = str(tracker.latest_message.get("text") or "")
    topics = keys_in_context(WHO_IT_IS_FOR, text, tracker.events)
    buttons = topic_buttons(assistant_domain(domain), topics, tracker_language(tracker))
    if buttons:
        dispatcher.utter_message(response=OWN_DECISION_GENERAL_RESPONSE, buttons=buttons)


class ActionOutOfScope(ReplyAfterNotice):
    """What the assistant can help with, and staff."""

    response = OUT_OF_SCOPE_RESPONSE

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """The out-of-scope reply, or the clarifying turn for a follow-up question.

        A short statement about one of the operations ("my son is 6 with
        cerebral palsy") gets the invitation to ask about that operation,
        with its topics (``operation_told_of``); "is it safe?" about the
        knee, whose page names no downsides, and "by how much?" (no page
        gives an amount), the honest "the pages do not say"
        (``FollowUp.unanswered``).

        Right after urgent-care advice, the advice again (``remind_urgent_care``);
        "what do you mean?" right after an answer, its rest and staff
        (``send_unclear_reply``).
        """
        events = pending_language_notice(dispatcher, tracker)
        if remind_urgent_care(dispatcher, tracker):
            return events
        if send_unclear_reply(dispatcher, tracker, domain):
            return events
        follow_up = read_follow_up(tracker.latest_message, tracker.events)
        if follow_up is not None and follow_up.unanswered:
            dispatcher.utter_message(response=BEYOND_SOURCES_RESPONSE)
            return events
        topics = offered_topics(tracker.latest_message, follow_up)
        if topics:
            send_clarifying_turn(dispatcher, domain, topics, tracker_language(tracker))
            return events
        operation = operation_told_of(tracker.latest_message)
        if operation:
            dispatcher.utter_message(response=GREETING_FOR_OPERATION[operation])
            return events
        dispatcher.utter_message(response=self.response_for(tracker))
        return events


class ActionBeyondSources(ReplyAfterNotice):
    """The source pages do not answer this: say so honestly, and offer staff.

    When a page says something close (``bot.related_answer``), that answer is
    offered as a button after the reply.
    """

    response = BEYOND_SOURCES_RESPONSE

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_beyond_sources"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """The honest reply, then the closest answer the pages give, if one is close.

        Right after urgent-care advice, the advice again (``remind_urgent_care``).
        Whether to have the operation gets no advice, and whom the operation
        is for (``send_own_decision_reply``).
        """
        events = pending_language_notice(dispatcher, tracker)
        if remind_urgent_care(dispatcher, tracker):
            return events
        if asks_own_decision(tracker.latest_message):
            send_own_decision_reply(dispatcher, tracker, domain)
            return events
        dispatcher.utter_message(response=self.response_for(tracker))
        related = related_answer(tracker.latest_message, tracker.events)
        language = tracker_language(tracker)
        button = topic_button(assistant_domain(domain), related, language) if related else None
        if button:
            dispatcher.utter_message(response=RELATED_ANSWER_RESPONSE, buttons=[button])
        return events
