"""Taking over, answering and closing a handed-off conversation.

Each step changes our table (who holds the handoff) and the conversation in
Rasa (paused, staff messages, resumed), and writes the audit log. The table
is changed first and the conditional update in ``repository.claim_handoff``
makes sure only one person holds a handoff; a failed call to Rasa leaves the
handoff in a state the same button can repair.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import List, Optional

from sqlalchemy.orm import Session, sessionmaker

from bot.console.rasa_api import RasaApi, addressable, slot_event, staff_message_event
from bot.console.strings import DEFAULT_LANGUAGE, text
from bot.storage import repository
from bot.storage.models import Handoff, StaffAccount, utc_now
from bot.storage.rasa_events import last_user_message_at
from bot.whatsapp_window import WHATSAPP_CHANNELS, window_closes_at

MAX_REPLY_CHARS = 2000


class HandoffActionError(ValueError):
    """The requested step is not possible; ``key`` names the message staff see.

    ``key`` is a ``message.*`` key of the console's string table (without the
    prefix), so the page shows it in the staff member's language; ``str()`` of
    the error is the English text.
    """

    def __init__(self, key: str) -> None:
        """An error whose message is the console string ``message.<key>``."""
        self.key = key
        super().__init__(text(DEFAULT_LANGUAGE, f"message.{key}"))


@dataclass(frozen=True)
class QueueEntry:
    """One row of the live queue."""

    id: int
    conversation_id: str
    channel: str
    language: Optional[str]
    status: str
    urgent: bool
    reason: str
    created_at: datetime
    waiting_seconds: int
    claimed_by: Optional[str]
    claimed_by_id: Optional[int]


def queue_entries(*, session: Session, now: datetime) -> List[QueueEntry]:
    """Open and claimed handoffs, urgent first, then longest waiting."""
    names = repository.staff_display_names(session=session)
    return [
        QueueEntry(
            id=h.id,
            conversation_id=h.conversation_id,
            channel=h.channel,
            language=h.language,
            status=h.status,
            urgent=h.urgent,
            reason=h.reason,
            created_at=h.created_at,
            waiting_seconds=max(0, int((now - h.created_at).total_seconds())),
            claimed_by=names.get(h.claimed_by_id),
            claimed_by_id=h.claimed_by_id,
        )
        for h in repository.open_handoffs_queue(session=session)
    ]


def last_patient_message_at(*, session: Session, conversation_id: str) -> Optional[datetime]:
    """When the patient last wrote in this conversation (from Rasa's events)."""
    return last_user_message_at(session, conversation_id)


def reply_window_closes_at(
    channel: str, last_patient_message: Optional[datetime]
) -> Optional[datetime]:
    """When free-form replies stop being deliverable; ``None`` if they always are."""
    if channel not in WHATSAPP_CHANNELS:
        return None
    if last_patient_message is None:
        return datetime.min.replace(tzinfo=timezone.utc)
    return window_closes_at(last_patient_message)


def clean_reply(text: str) -> str:
    """A staff reply as it will be sent: trimmed, 1 to 2,000 characters."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise HandoffActionError("reply_empty")
    if len(text) > MAX_REPLY_CHARS:
        raise HandoffActionError("reply_too_long")
    return text


class HandoffDesk:
    """What a member of staff can do with handoffs, against one database and Rasa."""

    def __init__(self, sessions: sessionmaker, rasa: RasaApi) -> None:
        """A desk on the clinic's database (``sessions``) and Rasa's HTTP API (``rasa``)."""
        self.sessions = sessions
        self.rasa = rasa

    def _claim_row(self, handoff_id: int, staff: StaffAccount) -> Handoff:
        with self.sessions.begin() as session:
            existing = session.get(Handoff, handoff_id)
            if existing is not None and not addressable(existing.conversation_id):
                raise HandoffActionError("unaddressable")
            try:
                handoff = repository.claim_handoff(
                    session=session, handoff_id=handoff_id, staff_id=staff.id
                )
            except repository.HandoffStateError as error:
                raise HandoffActionError("taken_or_closed") from error
            except LookupError as error:
                raise HandoffActionError("no_such_handoff") from error
            repository.add_audit(
                session=session,
                actor_id=staff.id,
                action="handoff.claimed",
                target=f"handoff:{handoff_id}",
                details={"conversation": handoff.conversation_id},
            )
            session.expunge(handoff)
            return handoff

    async def claim(self, handoff_id: int, staff: StaffAccount) -> Handoff:
        """Take over a handoff: the assistant pauses and the patient is told who joined."""
        handoff = await asyncio.to_thread(self._claim_row, handoff_id, staff)
        await self.rasa.append_events(
            handoff.conversation_id,
            [slot_event("staff_name", staff.display_name), {"event": "pause"}],
        )
        await self.rasa.execute(handoff.conversation_id, "utter_staff_joined")
        return handoff

    def _held_by(self, handoff_id: int, staff: StaffAccount, now: datetime) -> Handoff:
        with self.sessions() as session:
            handoff = session.get(Handoff, handoff_id)
            if handoff is None:
                raise HandoffActionError("no_such_handoff")
            if handoff.status != "claimed" or handoff.claimed_by_id != staff.id:
                raise HandoffActionError("claim_first")
            closes = reply_window_closes_at(
                handoff.channel,
                last_patient_message_at(session=session, conversation_id=handoff.conversation_id),
            )
            if closes is not None and closes <= now:
                raise HandoffActionError("window_closed")
            session.expunge(handoff)
            return handoff

    def _audit(self, staff: StaffAccount, action: str, handoff_id: int, **details: object) -> None:
        with self.sessions.begin() as session:
            repository.add_audit(
                session=session,
                actor_id=staff.id,
                action=action,
                target=f"handoff:{handoff_id}",
                details=details or None,
            )

    async def reply(self, handoff_id: int, staff: StaffAccount, text: str) -> None:
        """Send a staff message to the patient, on the patient's channel."""
        text = clean_reply(text)
        handoff = await asyncio.to_thread(self._held_by, handoff_id, staff, utc_now())
        await self.rasa.append_events(
            handoff.conversation_id,
            [staff_message_event(text, staff.display_name)],
            deliver=True,
        )
        # The audit log records that a reply was sent, never its words.
        await asyncio.to_thread(
            self._audit, staff, "handoff.replied", handoff_id, characters=len(text)
        )

    def _close_row(self, handoff_id: int, staff: StaffAccount) -> Handoff:
        with self.sessions.begin() as session:
            handoff = session.get(Handoff, handoff_id)
            if handoff is None:
                raise HandoffActionError("no_such_handoff")
            held_by_other = handoff.status == "claimed" and handoff.claimed_by_id != staff.id
            if held_by_other and staff.role != "admin":
                raise HandoffActionError("close_not_yours")
            was_claimed = handoff.status == "claimed"
            handoff = repository.close_handoff(
                session=session, handoff_id=handoff_id, staff_id=staff.id
            )
            repository.add_audit(
                session=session,
                actor_id=staff.id,
                action="handoff.closed",
                target=f"handoff:{handoff_id}",
                details={"conversation": handoff.conversation_id, "was_claimed": was_claimed},
            )
            session.expunge(handoff)
            return handoff

    async def close(self, handoff_id: int, staff: StaffAccount) -> Handoff:
        """Close a handoff; a paused conversation resumes and the patient is told."""
        handoff = await asyncio.to_thread(self._close_row, handoff_id, staff)
        if not addressable(handoff.conversation_id):
            return handoff  # it could never be taken over, so the assistant never paused
        state = await self.rasa.tracker(handoff.conversation_id)
        if state and state.get("paused"):
            await self.rasa.append_events(handoff.conversation_id, [{"event": "resume"}])
            await self.rasa.execute(handoff.conversation_id, "utter_handoff_resumed")
            # Rasa's rules start from a listening state; neither the paused
            # turns nor an executed action leave one behind.
            await self.rasa.append_events(
                handoff.conversation_id, [{"event": "action", "name": "action_listen"}]
            )
        return handoff
