"""Handing a conversation to the clinic's staff.

A handoff is a row in ``clinic_handoffs`` that the staff console shows in its
queue. When a member of staff can answer now (within opening hours, console
open), the conversation is paused: the assistant stays silent and the staff
member's replies reach the patient on the patient's channel. Otherwise the
patient is told honestly when staff will answer, the request waits in the
queue, the assistant keeps answering questions, and a callback is offered.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.clinic_contact import utter_contact_options
from actions.language import pending_language_notice, tracker_language
from actions.urgent_reminder import remind_urgent_care
from bot.log_redaction import conversation_reference
from bot.settings import Settings, get_settings
from bot.staff_availability import StaffAvailability, check_availability, describe_opening
from bot.storage import health, repository
from bot.storage.engine import shared_session_factory
from bot.storage.handoff_outbox import deliver_queued_handoffs, queue_handoff
from bot.storage.journal import JournalError, journal_for
from bot.storage.models import utc_now
from bot.urgent_follow_up import asks_about_waiting, says_going_for_care

logger = logging.getLogger(__name__)

# Whether the last handoff reply offered a call-back (domain.yml).
CALLBACK_OFFERED_SLOT = "callback_offered"


@dataclass(frozen=True)
class HandoffOutcome:
    """What opening a handoff found."""

    handoff_id: int
    already_waiting: bool
    availability: StaffAvailability


def open_handoff_now(
    settings: Settings,
    conversation_id: str,
    channel: str,
    language: str,
    urgent: bool,
    reason: str,
    now: Optional[datetime] = None,
) -> HandoffOutcome:
    """Put the conversation in the staff queue and check who can answer (blocking).

    Args:
        settings: Where the database is and the clinic's hours.
        conversation_id: Rasa's sender id.
        channel: The patient's channel.
        language: The conversation's language.
        urgent: Red-flag symptoms were described.
        reason: ``requested``, ``fallback`` or ``urgent``.
        now: The current time (tests pass one).

    Returns:
        The handoff's id, whether it was already queued, and staff availability.
    """
    now = now or utc_now()
    factory = shared_session_factory(settings.database_url)
    with factory.begin() as session:
        existing = repository.active_handoff(session=session, conversation_id=conversation_id)
        handoff = repository.open_handoff(
            session=session,
            conversation_id=conversation_id,
            channel=channel,
            urgent=urgent,
            reason=reason,
            language=language,
        )
        availability = check_availability(session=session, hours=settings.opening_hours, now=now)
        return HandoffOutcome(handoff.id, existing is not None, availability)


async def open_handoff_for(tracker: Tracker, urgent: bool, reason: str) -> Optional[HandoffOutcome]:
    """:func:`open_handoff_now` for a tracker, run off the event loop.

    Handoffs queued in the journal during an earlier outage are delivered
    first. Returns ``None`` when the database cannot be reached: the handoff
    is then queued in the journal (:mod:`bot.storage.handoff_outbox`) and
    reaches the staff queue once the database is back, and the patient still
    gets the urgent-care message and the clinic's contacts, so a storage
    failure never fails the action.
    """
    settings = get_settings()
    channel = tracker.get_latest_input_channel() or "unknown"
    language = tracker_language(tracker)
    try:
        await asyncio.to_thread(deliver_earlier_handoffs, settings.database_url)
        outcome = await asyncio.to_thread(
            open_handoff_now, settings, tracker.sender_id, channel, language, urgent, reason
        )
    except SQLAlchemyError as error:
        health.mark_unavailable(health.POSTGRESQL, error)
        logger.warning(
            "conversation.handoff_not_stored",
            extra={
                "conversation": conversation_reference(tracker.sender_id),
                "error": type(error).__name__,
            },
        )
        try:
            await asyncio.to_thread(
                queue_handoff,
                journal_for(settings.database_url),
                tracker.sender_id,
                channel,
                urgent,
                reason,
                language,
            )
        except JournalError:
            logger.exception(
                "conversation.handoff_lost",
                extra={"conversation": conversation_reference(tracker.sender_id)},
            )
        return None
    health.mark_available(health.POSTGRESQL)
    return outcome


def deliver_earlier_handoffs(database_url: str) -> None:
    """Open the handoffs queued in the journal during an outage (blocking).

    Raises:
        sqlalchemy.exc.SQLAlchemyError: The database is still failing.
    """
    try:
        deliver_queued_handoffs(journal_for(database_url), database_url)
    except JournalError:
        # The journal is unreadable: the new handoff must still be opened.
        logger.exception("conversation.handoff_journal_unreadable")


def handoff_reason(tracker: Tracker) -> str:
    """Why the patient is being handed over: asked for it, or after a failed clarification."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return "fallback" if intent == "affirm" else "requested"


class ActionHandoff(Action):
    """Queues the conversation for staff and tells the patient what happens next."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_handoff"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Pauses the assistant for a person, or explains when staff will answer.

        Right after urgent-care advice, a question about waiting, or "we are
        going to the hospital", that the models read as a request for staff
        gets the advice again instead (``remind_urgent_care``): the urgent
        handoff is already open.

        Sets ``callback_offered``: only a call-back offer just made is
        answered by "yes" or "no" (``data/rules/handoff.yml``).
        """
        settings = get_settings()
        events: List[EventType] = pending_language_notice(dispatcher, tracker)
        text = str(tracker.latest_message.get("text") or "")
        not_offered = SlotSet(CALLBACK_OFFERED_SLOT, False)
        about_the_advice = asks_about_waiting(text) or says_going_for_care(text)
        if about_the_advice and remind_urgent_care(dispatcher, tracker):
            return events + [not_offered]
        outcome = await open_handoff_for(tracker, urgent=False, reason=handoff_reason(tracker))
        events.append(SlotSet("handoff_requested", True))
        channel = tracker.get_latest_input_channel()
        if outcome is None:
            dispatcher.utter_message(response="utter_handoff")
            utter_contact_options(dispatcher, settings, channel=channel)
            return events + [not_offered]
        logger.info(
            "conversation.handoff",
            extra={
                "conversation": conversation_reference(tracker.sender_id),
                "handoff_id": outcome.handoff_id,
            },
        )
        if outcome.availability.available:
            dispatcher.utter_message(response="utter_handoff_connecting")
            return events + [not_offered, ConversationPaused()]
        if outcome.already_waiting:
            dispatcher.utter_message(response="utter_handoff_already_waiting")
        else:
            utter_staff_offline(dispatcher, tracker, outcome.availability)
        utter_contact_options(dispatcher, settings, channel=channel)
        dispatcher.utter_message(response="utter_offer_callback")
        return events + [SlotSet(CALLBACK_OFFERED_SLOT, True)]


def utter_staff_offline(
    dispatcher: CollectingDispatcher, tracker: Tracker, availability: StaffAvailability
) -> None:
    """Tell the patient honestly when a person will answer."""
    if availability.next_opening is not None:
        dispatcher.utter_message(
            response="utter_handoff_closed_hours",
            next_opening=describe_opening(
                availability.next_opening, utc_now(), tracker_language(tracker)
            ),
        )
    else:
        dispatcher.utter_message(response="utter_handoff_nobody_online")
