"""The callback request: consent first, then name, preferred time and phone number.

Consent is asked before any detail, and a patient who says no is told that
nothing was stored. The phone number is asked last so that the request is
saved in the same turn the number is given: the conversation log only ever
stores a masked copy of the number (``bot.storage.tracker_store``), and
``clinic_callback_requests`` keeps the full number, with the consent time.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.language import tracker_language
from bot.digits import to_ascii_digits
from bot.log_redaction import conversation_reference
from bot.privacy import mask_phone_for_display, normalise_bd_mobile
from bot.settings import get_settings
from bot.storage import repository
from bot.storage.engine import shared_session_factory
from bot.storage.models import utc_now

logger = logging.getLogger(__name__)

CALLBACK_SLOTS = ("callback_consent", "callback_name", "callback_time", "callback_phone")
MAX_NAME_CHARS = 120
MAX_TIME_CHARS = 120
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def clean_name(value: Any) -> Optional[str]:
    """A usable name: 1-120 characters with at least one letter and no phone number."""
    if not isinstance(value, str):
        return None
    name = " ".join(value.split())
    if not name or len(name) > MAX_NAME_CHARS or not _LETTER.search(name):
        return None
    if normalise_bd_mobile(name) or sum(ch.isdigit() for ch in to_ascii_digits(name)) > 4:
        return None
    return name


def clean_time(value: Any) -> Optional[str]:
    """A preferred time in the patient's words, 1-120 characters."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text if 0 < len(text) <= MAX_TIME_CHARS else None


class ValidateCallbackForm(FormValidationAction):
    """Checks each answer of ``callback_form``; a "no" to consent ends the form."""

    def name(self) -> str:
        """The form validator's name in the domain."""
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        """Only the consent question when the patient declined."""
        if tracker.get_slot("callback_consent") is False:
            return ["callback_consent"]
        return domain_slots

    def validate_callback_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Yes or no; anything else asks again."""
        if isinstance(value, bool):
            return {"callback_consent": value}
        return {"callback_consent": None}

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """A name, not a number."""
        name = clean_name(value)
        if name is None:
            dispatcher.utter_message(response="utter_callback_name_invalid")
        return {"callback_name": name}

    def validate_callback_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Any short description of a time."""
        preferred = clean_time(value)
        if preferred is None:
            dispatcher.utter_message(response="utter_callback_time_invalid")
        return {"callback_time": preferred}

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """A Bangladesh mobile number, in Bangla or ASCII digits, stored as +8801XXXXXXXXX."""
        phone = normalise_bd_mobile(value) if isinstance(value, str) else None
        if phone is None:
            dispatcher.utter_message(response="utter_callback_phone_invalid")
        return {"callback_phone": phone}


def store_callback(
    conversation_id: str, name: str, phone: str, preferred_time: str, channel: str, language: str
) -> int:
    """Save the callback request (blocking); returns its id."""
    factory = shared_session_factory(get_settings().database_url)
    with factory.begin() as session:
        request = repository.record_callback(
            session=session,
            conversation_id=conversation_id,
            name=name,
            phone=phone,
            preferred_time=preferred_time,
            consent_given_at=utc_now(),
            channel=channel,
            language=language,
        )
        return request.id


def reset_callback_slots() -> List[EventType]:
    """Forget the form's answers once the request is stored or declined."""
    return [SlotSet(slot, None) for slot in CALLBACK_SLOTS]


class ActionSubmitCallback(Action):
    """Stores a consented callback request, or confirms that nothing was stored."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Saves the request with the consent time, then clears the form's slots."""
        values = {slot: tracker.get_slot(slot) for slot in CALLBACK_SLOTS}
        if values["callback_consent"] is not True or not all(values.values()):
            dispatcher.utter_message(response="utter_callback_not_stored")
            return reset_callback_slots()
        try:
            request_id = await asyncio.to_thread(
                store_callback,
                tracker.sender_id,
                values["callback_name"],
                values["callback_phone"],
                values["callback_time"],
                tracker.get_latest_input_channel() or "unknown",
                tracker_language(tracker),
            )
        except (SQLAlchemyError, ValueError):
            logger.exception(
                "callback.not_stored",
                extra={"conversation": conversation_reference(tracker.sender_id)},
            )
            dispatcher.utter_message(response="utter_callback_failed")
            return reset_callback_slots()
        logger.info("callback.stored", extra={"callback_id": request_id})
        dispatcher.utter_message(
            response="utter_callback_saved",
            callback_time=values["callback_time"],
            callback_phone_masked=mask_phone_for_display(values["callback_phone"]),
        )
        return reset_callback_slots()


# Words that mean "stop" at a form step. A name or a time never contains one
# of them as a whole word, so a step's answer is not mistaken for a refusal
# because a classifier happened to read it as ``deny``.
_REFUSAL_WORDS = frozenset(
    ("no nope nah dont don't cancel stop never quit skip " "na না নাহ থাক বাদ নেই nai nei thak").split()
)
_WORD = re.compile(r"[\w\u0980-\u09FF']+", re.UNICODE)


def is_refusal(text: str) -> bool:
    """Whether a message at a form step says no ("no thanks", "lagbe na", "থাক")."""
    return any(word in _REFUSAL_WORDS for word in _WORD.findall((text or "").lower()))


def answer_to_requested_slot(requested_slot: Optional[str], text: str) -> Dict[str, Any]:
    """The slot value a message gives for the form step it answers, if valid.

    A valid phone number is always an answer. A name or a time is an answer
    unless the message says no in words.

    Returns:
        ``{slot: value}``, or ``{}`` when the message is a refusal or no valid value.
    """
    if requested_slot == "callback_phone":
        phone = normalise_bd_mobile(text)
        return {requested_slot: phone} if phone else {}
    if is_refusal(text):
        return {}
    if requested_slot == "callback_name":
        name = clean_name(text)
        return {requested_slot: name} if name else {}
    if requested_slot == "callback_time":
        preferred = clean_time(text)
        return {requested_slot: preferred} if preferred else {}
    return {}


class ActionCancelCallback(Action):
    """The patient said no during the callback form: stop, unless it was an answer."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_cancel_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Goes on with the form when the message answers its step; otherwise stores nothing.

        The form's step must take a valid value before any intent is read: a
        number or a name the classifier read as ``deny`` is still an answer.
        """
        answer = answer_to_requested_slot(
            tracker.get_slot("requested_slot"), tracker.latest_message.get("text") or ""
        )
        if answer:
            slot, value = next(iter(answer.items()))
            logger.info("callback.step_answered_despite_deny", extra={"slot": slot})
            return [SlotSet(slot, value), FollowupAction("callback_form")]
        dispatcher.utter_message(response="utter_callback_not_stored")
        return reset_callback_slots()
