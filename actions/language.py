"""The conversation's language, updated after every patient message.

``action_detect_language`` is the custom slot mapping of the ``language`` and
``language_pinned`` slots, so Rasa runs it after each message, before the
next response is chosen; responses then pick their Bangla or English
variation from the slot. The NLU pipeline (``bot.nlu.language_detector``)
reports each message's language (``en``, ``bn`` or ``bn_latn``), whether the
guess is clear, and any explicit request to switch. The rules are in
``bot.language_slots``, which our Rasa server also applies in its own process
without calling this action (``bot.speedups.language_slot_mapping``); the
action serves Rasa processes without that override (``rasa shell``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.language_slots import (
    ACTION_NAME,
    NOTICE_SLOT,
    LanguageChoice,
    detected_language,
    language_slot_changes,
    next_language,
    requested_language,
)
from bot.urgent_follow_up import reminder_due

__all__ = [
    "ActionDetectLanguage",
    "LanguageChoice",
    "NOTICE_SLOT",
    "ReplyAfterNotice",
    "detected_language",
    "next_language",
    "pending_language_notice",
    "requested_language",
    "tracker_language",
]


def tracker_language(tracker: Tracker) -> str:
    """The language the assistant answers in (``en`` or ``bn``)."""
    return "bn" if tracker.get_slot("language") == "bn" else "en"


class ActionDetectLanguage(Action):
    """Keeps ``language`` and ``language_pinned`` up to date after each message."""

    def name(self) -> str:
        """The action's name in the domain."""
        return ACTION_NAME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Sets the slots when they change; says once that it switched to Bangla.

        Messages of slot-mapping actions are not sent by Rasa 3.6, so the
        next answering action says it (see ``pending_language_notice``).
        """
        changes = language_slot_changes(tracker.latest_message or {}, tracker.slots)
        return [SlotSet(name, value) for name, value in changes]


def pending_language_notice(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Say once, in Bangla, that answers are now in Bangla (with an "English" button).

    Called first by the actions that answer (FAQ, clarification, handoff).
    Not while the urgent advice is the last word and would be said again
    (``reminder_due``): like the urgent reply itself, the advice said again
    does not stop to say that answers are now in Bangla. The notice stays
    due for a later answer (an FAQ answer right after the advice too).
    """
    if not tracker.get_slot(NOTICE_SLOT):
        return []
    if reminder_due(tracker.events, str(tracker.latest_message.get("text") or "")):
        return []
    dispatcher.utter_message(response="utter_language_auto_bn")
    return [SlotSet(NOTICE_SLOT, False)]


class ReplyAfterNotice(Action, ABC):
    """The pending language notice, then one response (abstract: not registered)."""

    @property
    @abstractmethod
    def response(self) -> str:
        """The response to send."""

    def response_for(self, tracker: Tracker) -> str:
        """The response to send in this conversation (``response`` unless overridden)."""
        return self.response

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Sends the language notice if one is pending, then the response."""
        events = pending_language_notice(dispatcher, tracker)
        dispatcher.utter_message(response=self.response_for(tracker))
        return events
