"""The conversation log: every conversation, newest first, filtered and paged.

Rasa's ``events`` table is grouped by sender in SQL, where the date range
(on the time of a conversation's last event), the reviewed flag and a first
pass of the text search are applied. Only the conversations left are decoded
and summarised in Python, where the other filters apply. Without such
filters, only the requested page is decoded. The same statements run on
SQLite and PostgreSQL.

The date range is what keeps the work small: a filter on channel, language,
handoff, urgency or confidence decodes every conversation in the range, so
the console should always pass one (a month holds a few thousand).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Dict, Generic, Iterable, List, Optional, Sequence, Set, Tuple, TypeVar

import sqlalchemy as sa

from bot.review.turns import SUMMARY_EVENT_TYPES, ConversationFacts, conversation_facts
from bot.storage.models import Handoff, ReviewedConversation
from bot.storage.rasa_events import (
    LIKE_ESCAPE,
    USER,
    Executor,
    RasaEvent,
    events_table,
    events_table_exists,
    in_chunks,
    json_like_patterns,
    load_events,
    shown_text,
    text_matches,
)

__all__ = [
    "MAX_PAGE_SIZE",
    "ConversationFilters",
    "ConversationSummary",
    "Page",
    "conversation_summary",
    "list_conversations",
    "matching_conversation_ids",
]

MAX_PAGE_SIZE = 500
MAX_QUERY_LENGTH = 200

T = TypeVar("T")


def _require_aware(value: Optional[datetime], name: str) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True)
class ConversationFilters:
    """What the log shows. ``None`` means "any" for every field.

    Attributes:
        date_from: Only conversations whose last event is at or after this (aware).
        date_to: Only conversations whose last event is before this (aware, exclusive).
        channel: Latest input channel: ``webchat``, ``whatsapp``, ``rest``, ...
        language: ``en``, ``bn`` or ``bn_latn``.
        handed_off: Handed to staff, or not.
        urgent: Urgent, or not.
        low_confidence_or_fallback: With at least one low-confidence or
            fallback message, or with none.
        reviewed: Marked reviewed, or not.
        q: Text the patient's messages must contain (any case).
    """

    date_from: Optional[datetime] = None
    date_to: Optional[datetime] = None
    channel: Optional[str] = None
    language: Optional[str] = None
    handed_off: Optional[bool] = None
    urgent: Optional[bool] = None
    low_confidence_or_fallback: Optional[bool] = None
    reviewed: Optional[bool] = None
    q: Optional[str] = None

    def __post_init__(self) -> None:
        """Refuse naive dates and over-long searches; blank strings mean "any"."""
        _require_aware(self.date_from, "date_from")
        _require_aware(self.date_to, "date_to")
        for name in ("channel", "language", "q"):
            value = getattr(self, name)
            if value is not None and not value.strip():
                object.__setattr__(self, name, None)
        if self.q is not None:
            object.__setattr__(self, "q", self.q.strip())
            if len(self.q) > MAX_QUERY_LENGTH:
                raise ValueError(f"q must be at most {MAX_QUERY_LENGTH} characters")

    @property
    def needs_decoding(self) -> bool:
        """Whether a filter can only be checked on decoded events."""
        return any(
            value is not None
            for value in (
                self.channel,
                self.language,
                self.handed_off,
                self.urgent,
                self.low_confidence_or_fallback,
                self.q,
            )
        )


@dataclass(frozen=True)
class ConversationSummary:
    """One line of the log."""

    conversation_id: str
    started_at: datetime
    last_at: datetime
    channel: Optional[str]
    language: str
    patient_message_count: int
    handed_off: bool
    urgent: bool
    low_confidence_count: int
    fallback: bool
    reviewed: bool
    top_topic: Optional[str]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results; ``page`` counts from 1."""

    items: Tuple[T, ...]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1)."""
        return max(1, -(-self.total // self.page_size))

    @property
    def has_previous(self) -> bool:
        """Whether there is a page before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.page * self.page_size < self.total


def _candidates_query(filters: ConversationFilters) -> sa.sql.Select:
    """Conversations with patient messages, by last event, newest first (SQL-side filters)."""
    columns = events_table.c
    last_at = sa.func.max(columns.timestamp).label("last_at")
    patient_messages = sa.func.sum(sa.case((columns.type_name == USER, 1), else_=0))
    query = (
        sa.select(columns.sender_id, last_at)
        .group_by(columns.sender_id)
        .having(patient_messages > 0)
        .having(sa.func.max(columns.timestamp).isnot(None))
        .order_by(last_at.desc(), columns.sender_id)
    )
    if filters.date_from is not None:
        query = query.having(sa.func.max(columns.timestamp) >= filters.date_from.timestamp())
    if filters.date_to is not None:
        query = query.having(sa.func.max(columns.timestamp) < filters.date_to.timestamp())
    if filters.reviewed is not None:
        reviewed = sa.select(ReviewedConversation.conversation_id)
        query = query.where(
            columns.sender_id.in_(reviewed)
            if filters.reviewed
            else columns.sender_id.not_in(reviewed)
        )
    if filters.q:
        # A first pass on the raw JSON; _matches confirms on the decoded text.
        lowered = sa.func.lower(columns.data)
        patterns = json_like_patterns(filters.q)
        mentions = sa.select(columns.sender_id).where(
            columns.type_name == USER,
            sa.or_(*(lowered.like(pattern, escape=LIKE_ESCAPE) for pattern in patterns)),
        )
        query = query.where(columns.sender_id.in_(mentions))
    return query


def _first_and_last(
    executor: Executor, sender_ids: Sequence[str]
) -> Dict[str, Tuple[datetime, datetime]]:
    columns = events_table.c
    rows = executor.execute(
        sa.select(columns.sender_id, sa.func.min(columns.timestamp), sa.func.max(columns.timestamp))
        .where(columns.sender_id.in_(list(sender_ids)), columns.timestamp.isnot(None))
        .group_by(columns.sender_id)
    )
    return {
        sender_id: (
            datetime.fromtimestamp(float(first), tz=timezone.utc),
            datetime.fromtimestamp(float(last), tz=timezone.utc),
        )
        for sender_id, first, last in rows
    }


def _handed_off_in_table(executor: Executor, sender_ids: Sequence[str]) -> Set[str]:
    rows = executor.execute(
        sa.select(Handoff.conversation_id)
        .where(Handoff.conversation_id.in_(list(sender_ids)))
        .distinct()
    )
    return {row[0] for row in rows}


def _reviewed(executor: Executor, sender_ids: Sequence[str]) -> Set[str]:
    rows = executor.execute(
        sa.select(ReviewedConversation.conversation_id).where(
            ReviewedConversation.conversation_id.in_(list(sender_ids))
        )
    )
    return {row[0] for row in rows}


def _summary(
    facts: ConversationFacts,
    started_at: datetime,
    last_at: datetime,
    in_handoff_table: bool,
    reviewed: bool,
) -> ConversationSummary:
    return ConversationSummary(
        conversation_id=facts.conversation_id,
        started_at=started_at,
        last_at=last_at,
        channel=facts.channel,
        language=facts.language,
        patient_message_count=facts.patient_message_count,
        handed_off=facts.handed_off or in_handoff_table,
        urgent=facts.urgent,
        low_confidence_count=facts.low_confidence_count,
        fallback=facts.fallback,
        reviewed=reviewed,
        top_topic=facts.top_topic,
    )


def _matches(
    summary: ConversationSummary, events: Sequence[RasaEvent], filters: ConversationFilters
) -> bool:
    checks = (
        (filters.channel, summary.channel),
        (filters.language, summary.language),
        (filters.handed_off, summary.handed_off),
        (filters.urgent, summary.urgent),
        (filters.low_confidence_or_fallback, summary.low_confidence_count > 0),
        (filters.reviewed, summary.reviewed),
    )
    if any(wanted is not None and wanted != actual for wanted, actual in checks):
        return False
    if filters.q:
        return any(
            event.type_name == USER and text_matches(shown_text(event.data), filters.q)
            for event in events
        )
    return True


def _summarise(
    executor: Executor, sender_ids: Sequence[str], filters: ConversationFilters
) -> List[ConversationSummary]:
    """Summaries of ``sender_ids`` that pass ``filters``, in the order given.

    Works through the conversations in chunks: one ``IN (...)`` per query,
    within every backend's limit on bound parameters.
    """
    summaries: List[ConversationSummary] = []
    for chunk in in_chunks(sender_ids):
        # Bot messages are not loaded, but a staff reply may be the last event: times
        # come from every row.
        times = _first_and_last(executor, chunk)
        events = load_events(executor, chunk, types=SUMMARY_EVENT_TYPES)
        handed_off = _handed_off_in_table(executor, chunk)
        reviewed = _reviewed(executor, chunk)
        for sender_id in chunk:
            if sender_id not in times:
                continue  # its events vanished in between (retention, deletion)
            facts = conversation_facts(sender_id, events.get(sender_id, []))
            summary = _summary(
                facts, *times[sender_id], sender_id in handed_off, sender_id in reviewed
            )
            if _matches(summary, events.get(sender_id, []), filters):
                summaries.append(summary)
    return summaries


def _check_paging(page: int, page_size: int) -> None:
    if page < 1:
        raise ValueError("page counts from 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")


def list_conversations(
    executor: Executor,
    filters: Optional[ConversationFilters] = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[ConversationSummary]:
    """One page of the conversation log, newest last event first.

    Only conversations with at least one patient message are listed (opening
    the widget without writing leaves a session start behind, nothing more).

    Args:
        executor: A connection or session on the database holding ``events``
            and the clinic's tables.
        filters: What to show; everything when ``None``.
        page: Which page, from 1; past the end gives no items.
        page_size: Conversations per page, 1 to :data:`MAX_PAGE_SIZE`.

    Returns:
        The page, with the total number of matching conversations.

    Raises:
        ValueError: Bad paging values.
    """
    filters = filters or ConversationFilters()
    _check_paging(page, page_size)
    if not events_table_exists(executor):
        return Page(items=(), total=0, page=page, page_size=page_size)
    query = _candidates_query(filters)
    offset = (page - 1) * page_size
    if not filters.needs_decoding:
        total = executor.execute(
            sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
        ).scalar_one()
        page_query = query.limit(page_size).offset(offset)
        sender_ids = [row.sender_id for row in executor.execute(page_query)]
        items = _summarise(executor, sender_ids, filters)
        return Page(items=tuple(items), total=int(total), page=page, page_size=page_size)
    sender_ids = [row.sender_id for row in executor.execute(query)]
    matching = _summarise(executor, sender_ids, filters)
    return Page(
        items=tuple(matching[offset : offset + page_size]),
        total=len(matching),
        page=page,
        page_size=page_size,
    )


def matching_conversation_ids(
    executor: Executor, filters: Optional[ConversationFilters] = None
) -> List[str]:
    """Every conversation the log would list for ``filters``, newest first (for exports)."""
    filters = filters or ConversationFilters()
    if not events_table_exists(executor):
        return []
    sender_ids = [row.sender_id for row in executor.execute(_candidates_query(filters))]
    if not filters.needs_decoding:
        return sender_ids
    return [summary.conversation_id for summary in _summarise(executor, sender_ids, filters)]


def conversation_summary(executor: Executor, conversation_id: str) -> Optional[ConversationSummary]:
    """The log line of one conversation, or ``None`` when it has no patient message."""
    if not events_table_exists(executor):
        return None
    found = _summarise(executor, [conversation_id], ConversationFilters())
    if not found or found[0].patient_message_count == 0:
        return None
    return found[0]


def summaries_by_id(
    executor: Executor, conversation_ids: Iterable[str]
) -> Dict[str, ConversationSummary]:
    """Log lines of several conversations (those with events), by id."""
    ids = list(dict.fromkeys(conversation_ids))
    if not ids or not events_table_exists(executor):
        return {}
    return {s.conversation_id: s for s in _summarise(executor, ids, ConversationFilters())}
