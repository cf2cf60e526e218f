"""The conversation's language, updated after every patient message.

``action_detect_language`` is the custom slot mapping of the ``language`` and
``language_pinned`` slots, so Rasa runs it after each message, before the
next response is chosen; responses then pick their Bangla or English
variation from the slot. The NLU pipeline (``bot.nlu.language_detector``)
reports each message's language (``en``, ``bn`` or ``bn_latn``), whether the
guess is clear, and any explicit request to switch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.nlu.language import REPLY_LANGUAGES, LanguageGuess, conversation_language

NOTICE_SLOT = "language_notice_due"


@dataclass(frozen=True)
class LanguageChoice:
    """The reply language after a message, and whether the patient chose it."""

    language: str
    pinned: bool
    switched_to_bangla_automatically: bool = False


def next_language(
    current: Optional[str],
    pinned: bool,
    detected: Optional[str],
    clear: bool,
    requested: Optional[str],
) -> LanguageChoice:
    """The language to answer in after a message (policy: ``bot.nlu.language``).

    Args:
        current: The slot's value (``en`` when unset).
        pinned: Whether the patient chose the language explicitly.
        detected: The message's language from the NLU pipeline.
        clear: Whether that detection is clear.
        requested: ``en`` or ``bn`` if the patient asked for it.

    Returns:
        The new choice, and whether the conversation just switched to Bangla
        without being asked (the patient is then told, once).
    """
    guess = None if detected is None else LanguageGuess(detected, clear, 1.0)
    language, now_pinned = conversation_language(current, pinned, guess, requested)
    previous = current if current in REPLY_LANGUAGES else "en"
    switched = language == "bn" and previous != "bn" and not now_pinned
    return LanguageChoice(language, now_pinned, switched_to_bangla_automatically=switched)


def tracker_language(tracker: Tracker) -> str:
    """The language the assistant answers in (``en`` or ``bn``)."""
    return "bn" if tracker.get_slot("language") == "bn" else "en"


def requested_language(latest_message: Dict[str, Any]) -> Optional[str]:
    """The language asked for by a button entity, else by the typed request."""
    for entity in latest_message.get("entities") or []:
        if entity.get("entity") == "language_choice" and entity.get("value") in REPLY_LANGUAGES:
            return entity["value"]
    requested = latest_message.get("language_request")
    return requested if requested in REPLY_LANGUAGES else None


def detected_language(latest_message: Dict[str, Any]) -> tuple:
    """``(code, clear)`` as reported by the language detector (absent: unknown).

    Button payloads (``/faq{...}``) say nothing about the patient's language.
    """
    if str(latest_message.get("text") or "").startswith("/"):
        return None, False
    value = latest_message.get("language")
    if isinstance(value, dict):
        return value.get("code"), bool(value.get("clear"))
    return value, bool(latest_message.get("language_clear", value is not None))


class ActionDetectLanguage(Action):
    """Keeps ``language`` and ``language_pinned`` up to date after each message."""

    def name(self) -> str:
        return "action_detect_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Sets the slots when they change; says once that it switched to Bangla."""
        latest = tracker.latest_message or {}
        code, clear = detected_language(latest)
        current = tracker.get_slot("language")
        pinned = bool(tracker.get_slot("language_pinned"))
        choice = next_language(current, pinned, code, clear, requested_language(latest))
        events: List[EventType] = []
        if choice.language != current:
            events.append(SlotSet("language", choice.language))
        if choice.pinned != pinned:
            events.append(SlotSet("language_pinned", choice.pinned))
        if choice.switched_to_bangla_automatically:
            # Messages of slot-mapping actions are not sent by Rasa 3.6, so the
            # next answering action says it (see pending_language_notice).
            events.append(SlotSet(NOTICE_SLOT, True))
        return events


def pending_language_notice(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Say once, in Bangla, that answers are now in Bangla (with an "English" button).

    Called first by the actions that answer (FAQ, clarification, handoff).
    """
    if not tracker.get_slot(NOTICE_SLOT):
        return []
    dispatcher.utter_message(response="utter_language_auto_bn")
    return [SlotSet(NOTICE_SLOT, False)]
