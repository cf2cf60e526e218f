"""What each patient message was understood as, and what a conversation amounts to.

One place for the review rules that the transcript, the conversation log, the
exports and the dashboard share:

* a patient message is a **fallback** when its intent is ``nlu_fallback`` or
  the assistant's first action after it was ``action_clarify``;
* it is **low confidence** when it is a fallback or its intent confidence is
  below :data:`LOW_CONFIDENCE`;
* its **intent** is the one the NLU reported, except that a ``request_human``
  marked as a question the pages do not answer (entity
  ``unanswered_question``, ``bot.nlu.contract_names``) shows the classifier's
  own label, ``beyond_sources``: the label a reviewer corrects against, and
  not a request for a person;
* its **answer key** is the FAQ topic of a button (entity ``faq_topic``),
  else the ResponseSelector's ``intent_response_key``, when the intent is
  ``faq`` (``bot.faq_choice``, what the NLU chose; a follow-up that names no
  operation may be answered with the conversation's operation's counterpart,
  ``bot.conversation_operation``, and the turn's ``answered`` shows what was sent);
* a conversation is **urgent** when the ``urgent`` slot was set true or a
  message was understood as ``urgent_symptoms``; it was **handed off** when
  ``action_handoff`` ran or the conversation was paused (a row in
  ``clinic_handoffs`` counts too; the callers check that table).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.conversation_operation import page_operation_of
from bot.faq_choice import chosen_answer
from bot.intents import (
    BEYOND_SOURCES_INTENT,
    FALLBACK_INTENT,
    REQUEST_HUMAN_INTENT,
    UNANSWERED_QUESTION_ENTITY,
    URGENT_INTENT,
)
from bot.storage.rasa_events import (
    ACTION,
    BOT,
    PAUSE,
    RESUME,
    SESSION_STARTED,
    SLOT,
    USER,
    RasaEvent,
    to_datetime,
)

CLARIFY_ACTION = "action_clarify"
HANDOFF_ACTION = "action_handoff"
LISTEN_ACTION = "action_listen"
URGENT_SLOT = "urgent"
LANGUAGE_SLOT = "language"
DEFAULT_LANGUAGE = "en"
# Below this intent confidence a message counts as low confidence.
LOW_CONFIDENCE = 0.5
# The rows conversation_facts needs; the bot's messages (most of the table) are not.
SUMMARY_EVENT_TYPES = (USER, SLOT, ACTION, PAUSE, RESUME, SESSION_STARTED)
# Intents that say nothing about what a conversation was about.
SMALL_TALK_INTENTS = frozenset(
    {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", FALLBACK_INTENT}
)


@dataclass(frozen=True)
class UserTurn:
    """How one patient message was understood and answered (no text: see transcripts)."""

    event: RasaEvent
    input_channel: Optional[str]
    language: Optional[str]
    intent: Optional[str]
    confidence: Optional[float]
    answer_key: Optional[str]
    answer_confidence: Optional[float]
    red_flags: Tuple[str, ...]
    fallback: bool
    low_confidence: bool
    answered_with: Tuple[str, ...]
    is_button: bool
    # The operation of the page the widget sent it from (``knee``, ``hip``), if any.
    page_operation: Optional[str] = None

    @property
    def event_id(self) -> int:
        """The id of the message's row in ``events``."""
        return self.event.id

    @property
    def time(self) -> Optional[datetime]:
        """When the patient sent it (aware UTC)."""
        return self.event.time


def _float(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _string(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and value else None


def answer_choice(parse_data: Dict[str, Any]) -> Tuple[Optional[str], Optional[float]]:
    """The FAQ answer key and its confidence for a message understood as ``faq``.

    The choice is ``bot.faq_choice.chosen_answer``, the rule ``actions/faq.py``
    applies.

    Returns:
        ``("faq/<topic>", confidence)``; the confidence is ``None`` for a
        topic button; ``(None, None)`` for any other intent.
    """
    choice = chosen_answer(parse_data)
    if choice is None:
        return None, None
    return choice.key, choice.confidence


def reviewed_intent(parse_data: Dict[str, Any], intent: Optional[str]) -> Optional[str]:
    """The intent a reviewer reads: ``beyond_sources`` for a marked ``request_human``."""
    entities = parse_data.get("entities")
    marked = isinstance(entities, list) and any(
        isinstance(entity, dict) and entity.get("entity") == UNANSWERED_QUESTION_ENTITY
        for entity in entities
    )
    return BEYOND_SOURCES_INTENT if marked and intent == REQUEST_HUMAN_INTENT else intent


def _turn(event: RasaEvent, followers: Sequence[RasaEvent]) -> UserTurn:
    parse_data = event.parse_data
    intent_data = parse_data.get("intent")
    intent_data = intent_data if isinstance(intent_data, dict) else {}
    intent = reviewed_intent(parse_data, _string(intent_data.get("name")) or event.intent_name)
    confidence = _float(intent_data.get("confidence"))
    answer_key, answer_confidence = answer_choice(parse_data)
    flags = parse_data.get("red_flags")
    red_flags = tuple(str(flag) for flag in flags) if isinstance(flags, list) else ()
    language = parse_data.get("language")
    if isinstance(language, dict):  # the detector's {"code": ..., "clear": ...}
        language = language.get("code")
    language = _string(language)

    actions = [e.action_name for e in followers if e.type_name == ACTION and e.action_name]
    actions = [name for name in actions if name != LISTEN_ACTION]
    fallback = intent == FALLBACK_INTENT or (bool(actions) and actions[0] == CLARIFY_ACTION)
    low_confidence = fallback or (confidence is not None and confidence < LOW_CONFIDENCE)

    answered: List[str] = []
    for follower in followers:
        name: Optional[str] = None
        if follower.type_name == ACTION and follower.action_name != LISTEN_ACTION:
            name = follower.action_name
        elif follower.type_name == BOT and not is_staff_message(follower):
            name = _string(follower.metadata.get("utter_action"))
        if name and (not answered or answered[-1] != name):
            answered.append(name)

    text = event.data.get("text")
    return UserTurn(
        event=event,
        input_channel=_string(event.data.get("input_channel")),
        language=language.lower() if language else None,
        intent=intent,
        confidence=confidence,
        answer_key=answer_key,
        answer_confidence=answer_confidence,
        red_flags=red_flags,
        fallback=fallback,
        low_confidence=low_confidence,
        answered_with=tuple(answered),
        is_button=isinstance(text, str) and text.startswith("/"),
        page_operation=page_operation_of(event.data.get("metadata")),
    )


def user_turns(events: Sequence[RasaEvent]) -> List[UserTurn]:
    """Every patient message of a conversation with what followed it, in order.

    Args:
        events: The conversation's events in stored order (see ``load_events``).

    Returns:
        One turn per ``user`` event.
    """
    turns: List[UserTurn] = []
    current: Optional[RasaEvent] = None
    followers: List[RasaEvent] = []
    for event in events:
        if event.type_name == USER:
            if current is not None:
                turns.append(_turn(current, followers))
            current, followers = event, []
        elif current is not None:
            followers.append(event)
    if current is not None:
        turns.append(_turn(current, followers))
    return turns


def is_staff_message(event: RasaEvent) -> bool:
    """Whether a ``bot`` event is a reply typed by staff (metadata ``staff``/``staff_name``)."""
    metadata = event.metadata
    return metadata.get("staff") is True or bool(_string(metadata.get("staff_name")))


def is_urgent_slot(event: RasaEvent) -> bool:
    """Whether the event sets the ``urgent`` slot to true."""
    return (
        event.type_name == SLOT
        and event.data.get("name") == URGENT_SLOT
        and event.data.get("value") is True
    )


def is_handoff_event(event: RasaEvent) -> bool:
    """Whether the event hands the conversation to staff (``action_handoff`` or a pause)."""
    return event.type_name == PAUSE or (
        event.type_name == ACTION and event.action_name == HANDOFF_ACTION
    )


@dataclass(frozen=True)
class ConversationFacts:
    """What the review needs to know about a conversation, from its events alone."""

    conversation_id: str
    started_at: Optional[datetime]
    last_at: Optional[datetime]
    channel: Optional[str]
    language: str
    turns: Tuple[UserTurn, ...]
    handed_off: bool
    urgent: bool
    top_topic: Optional[str]

    @property
    def patient_message_count(self) -> int:
        """How many messages the patient sent."""
        return len(self.turns)

    @property
    def low_confidence_count(self) -> int:
        """How many patient messages were low confidence or fallbacks."""
        return sum(1 for turn in self.turns if turn.low_confidence)

    @property
    def fallback(self) -> bool:
        """Whether any patient message was a fallback."""
        return any(turn.fallback for turn in self.turns)


def _most_common(values: Sequence[str]) -> Optional[str]:
    # Ties go to the value seen first.
    return Counter(values).most_common(1)[0][0] if values else None


def top_topic(turns: Sequence[UserTurn]) -> Optional[str]:
    """The FAQ key asked about most, else the most frequent non-small-talk intent."""
    keys = [turn.answer_key for turn in turns if turn.answer_key]
    if keys:
        return _most_common(keys)
    return _most_common(
        [turn.intent for turn in turns if turn.intent and turn.intent not in SMALL_TALK_INTENTS]
    )


def conversation_facts(conversation_id: str, events: Sequence[RasaEvent]) -> ConversationFacts:
    """Summarise a conversation from its events (in stored order).

    The language is the last value of the ``language`` slot, else the most
    common message language, else ``"en"``; the channel is the latest
    ``input_channel`` of the patient's messages.
    """
    turns = user_turns(events)
    stamps = [event.timestamp for event in events if event.timestamp is not None]
    channels = [turn.input_channel for turn in turns if turn.input_channel]
    language: Optional[str] = None
    for event in events:
        if event.type_name == SLOT and event.data.get("name") == LANGUAGE_SLOT:
            language = _string(event.data.get("value"))
    if language is None:
        language = _most_common([turn.language for turn in turns if turn.language])
    return ConversationFacts(
        conversation_id=conversation_id,
        started_at=to_datetime(min(stamps)) if stamps else None,
        last_at=to_datetime(max(stamps)) if stamps else None,
        channel=channels[-1] if channels else None,
        language=language or DEFAULT_LANGUAGE,
        turns=tuple(turns),
        handed_off=any(is_handoff_event(event) for event in events),
        urgent=any(is_urgent_slot(event) for event in events)
        or any(turn.intent == URGENT_INTENT for turn in turns),
        top_topic=top_topic(turns),
    )
