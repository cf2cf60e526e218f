"""One conversation as staff review it: messages, what was understood, and markers.

Every text is masked with :func:`bot.privacy.mask_sensitive` before it leaves
this module; the raw text stays in Rasa's ``events`` table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

import sqlalchemy as sa

from bot.privacy import mask_sensitive
from bot.review.turns import (
    HANDOFF_ACTION,
    UserTurn,
    is_staff_message,
    is_urgent_slot,
    user_turns,
)
from bot.storage.models import ReviewAnnotation, ReviewedConversation
from bot.storage.rasa_events import (
    ACTION,
    BOT,
    PAUSE,
    RESUME,
    SESSION_STARTED,
    USER,
    Executor,
    RasaEvent,
    events_table_exists,
    load_events,
    shown_text,
)

__all__ = [
    "AssistantMessage",
    "Marker",
    "PatientMessage",
    "Transcript",
    "TranscriptItem",
    "transcript",
    "transcript_items",
]

# Marker kinds, in the words the console can show as they are.
SESSION_STARTED_MARKER = "session_started"
PAUSED_MARKER = "paused"
RESUMED_MARKER = "resumed"
URGENT_MARKER = "urgent"
HANDOFF_MARKER = "handoff"


@dataclass(frozen=True)
class PatientMessage:
    """A message the patient sent, with how the assistant understood it."""

    event_id: int
    time: Optional[datetime]
    text: str  # masked; a button tap shows the button's title
    input_channel: Optional[str]
    language: Optional[str]
    intent: Optional[str]
    confidence: Optional[float]
    answer_key: Optional[str]
    answer_confidence: Optional[float]
    red_flags: Tuple[str, ...]
    low_confidence: bool
    fallback: bool
    answered_with: Tuple[str, ...]
    is_button: bool
    annotation: Optional[str]  # the reviewer's correct key, if any
    page_operation: Optional[str] = None  # the widget's page: knee, hip
    kind: str = "patient"


@dataclass(frozen=True)
class AssistantMessage:
    """A message sent to the patient, by the assistant or by a member of staff."""

    event_id: int
    time: Optional[datetime]
    text: str  # masked
    buttons: Tuple[str, ...]  # button titles, masked
    response: Optional[str]  # the response's name (utter_action), if any
    staff_name: Optional[str]
    is_staff: bool  # typed by a member of staff in the console
    kind: str = "assistant"  # for staff replies too: see ``sender``

    @property
    def sender(self) -> str:
        """``'staff'`` for a reply typed by staff, else ``'assistant'``."""
        return "staff" if self.is_staff else "assistant"


@dataclass(frozen=True)
class Marker:
    """Something that happened in the conversation other than a message."""

    event_id: int
    time: Optional[datetime]
    marker: str  # session_started, paused, resumed, urgent, handoff
    kind: str = "marker"


TranscriptItem = Union[PatientMessage, AssistantMessage, Marker]


@dataclass(frozen=True)
class Transcript:
    """A whole conversation (all its sessions), oldest first."""

    conversation_id: str
    items: Tuple[TranscriptItem, ...]
    reviewed: bool

    @property
    def exists(self) -> bool:
        """Whether the conversation has any events at all."""
        return bool(self.items)

    @property
    def patient_messages(self) -> List[PatientMessage]:
        """Only the patient's messages."""
        return [item for item in self.items if isinstance(item, PatientMessage)]


def _patient_message(turn: UserTurn, annotation: Optional[str]) -> PatientMessage:
    return PatientMessage(
        event_id=turn.event_id,
        time=turn.time,
        text=mask_sensitive(shown_text(turn.event.data)),
        input_channel=turn.input_channel,
        language=turn.language,
        intent=turn.intent,
        confidence=turn.confidence,
        answer_key=turn.answer_key,
        answer_confidence=turn.answer_confidence,
        red_flags=turn.red_flags,
        low_confidence=turn.low_confidence,
        fallback=turn.fallback,
        answered_with=turn.answered_with,
        is_button=turn.is_button,
        annotation=annotation,
        page_operation=turn.page_operation,
    )


def _buttons(event: RasaEvent) -> Tuple[str, ...]:
    payload = event.data.get("data")
    payload = payload if isinstance(payload, dict) else {}
    buttons = payload.get("buttons") or payload.get("quick_replies") or []
    return tuple(
        mask_sensitive(str(button["title"]))
        for button in buttons
        if isinstance(button, dict) and button.get("title")
    )


def _assistant_message(event: RasaEvent) -> Optional[AssistantMessage]:
    text = shown_text(event.data)
    buttons = _buttons(event)
    if not text and not buttons:
        return None
    staff = is_staff_message(event)
    staff_name = event.metadata.get("staff_name")
    response = event.metadata.get("utter_action")
    return AssistantMessage(
        event_id=event.id,
        time=event.time,
        text=mask_sensitive(text),
        buttons=buttons,
        response=response if isinstance(response, str) and not staff else None,
        staff_name=staff_name if isinstance(staff_name, str) and staff_name else None,
        is_staff=staff,
    )


def _marker(event: RasaEvent) -> Optional[str]:
    if event.type_name == SESSION_STARTED:
        return SESSION_STARTED_MARKER
    if event.type_name == PAUSE:
        return PAUSED_MARKER
    if event.type_name == RESUME:
        return RESUMED_MARKER
    if is_urgent_slot(event):
        return URGENT_MARKER
    if event.type_name == ACTION and event.action_name == HANDOFF_ACTION:
        return HANDOFF_MARKER
    return None


def _annotations(executor: Executor, conversation_id: str) -> Dict[int, str]:
    rows = executor.execute(
        sa.select(ReviewAnnotation.event_id, ReviewAnnotation.correct_key).where(
            ReviewAnnotation.conversation_id == conversation_id
        )
    )
    return {int(event_id): key for event_id, key in rows}


def _is_reviewed(executor: Executor, conversation_id: str) -> bool:
    found = executor.execute(
        sa.select(ReviewedConversation.conversation_id).where(
            ReviewedConversation.conversation_id == conversation_id
        )
    ).first()
    return found is not None


def transcript_items(
    events: Sequence[RasaEvent], annotations: Optional[Mapping[int, str]] = None
) -> Tuple[TranscriptItem, ...]:
    """The transcript items of one conversation's events (in stored order), masked.

    Args:
        events: From :func:`bot.storage.rasa_events.load_events`, all types.
        annotations: Reviewers' correct keys by event id, if wanted.
    """
    annotations = annotations or {}
    turns = {turn.event_id: turn for turn in user_turns(events)}
    items: List[TranscriptItem] = []
    for event in events:
        if event.type_name == USER:
            items.append(_patient_message(turns[event.id], annotations.get(event.id)))
        elif event.type_name == BOT:
            message = _assistant_message(event)
            if message is not None:
                items.append(message)
        else:
            marker = _marker(event)
            if marker is not None:
                items.append(Marker(event_id=event.id, time=event.time, marker=marker))
    return tuple(items)


def transcript(executor: Executor, conversation_id: str) -> Transcript:
    """The transcript of one conversation, masked, for the review page.

    Args:
        executor: A connection or session on the database holding ``events``
            and the clinic's tables.
        conversation_id: Rasa's sender id.

    Returns:
        The conversation's items oldest first, each patient message with its
        annotation if any; ``items`` is empty (``exists`` is false) for an
        unknown conversation.
    """
    events: Sequence[RasaEvent] = []
    if events_table_exists(executor):
        events = load_events(executor, [conversation_id]).get(conversation_id, [])
    if not events:
        return Transcript(conversation_id=conversation_id, items=(), reviewed=False)
    return Transcript(
        conversation_id=conversation_id,
        items=transcript_items(events, _annotations(executor, conversation_id)),
        reviewed=_is_reviewed(executor, conversation_id),
    )
