"""Figures for the staff dashboard over a period.

Everything counts what happened in ``[since, until)``: a conversation is
*active* in the period when the patient wrote in it then; per day means per
clinic-local calendar day (``Asia/Dhaka`` unless told otherwise). Only
events of the period are read, with the time range applied in SQL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Dict, List, Set, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from bot.review.turns import SUMMARY_EVENT_TYPES, conversation_facts
from bot.storage.models import Handoff
from bot.storage.rasa_events import Executor, events_table_exists, load_events_between

__all__ = [
    "CLINIC_TIMEZONE",
    "DashboardStats",
    "DayCount",
    "TopicCount",
    "clinic_zone",
    "dashboard_stats",
    "local_day_bounds",
]

CLINIC_TIMEZONE = "Asia/Dhaka"
MAX_DAYS = 400
TOP_TOPICS = 10
# Bangladesh has kept UTC+6 all year since 2009; used only if the system has no tz database.
_DHAKA_FALLBACK = timezone(timedelta(hours=6), "Asia/Dhaka")


@dataclass(frozen=True)
class DayCount:
    """Conversations active on one local day."""

    day: date
    count: int


@dataclass(frozen=True)
class TopicCount:
    """How many patient messages were answered with one FAQ key."""

    key: str
    count: int


@dataclass(frozen=True)
class DashboardStats:
    """The dashboard's figures for ``[since, until)``. Rates are 0..1 (0 with no data)."""

    since: datetime
    until: datetime
    tz: str
    conversations_per_day: Tuple[DayCount, ...]
    conversations: int
    patient_messages: int
    low_confidence_messages: int
    fallback_rate: float
    top_topics: Tuple[TopicCount, ...]
    handed_off_conversations: int
    handoff_rate: float
    urgent_conversations: int


def clinic_zone(tz: str = CLINIC_TIMEZONE) -> tzinfo:
    """The time zone named ``tz``.

    Raises:
        ValueError: Unknown zone name.
    """
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as error:
        if tz == CLINIC_TIMEZONE:
            return _DHAKA_FALLBACK
        raise ValueError(f"unknown time zone {tz!r}") from error


def local_day_bounds(
    first_day: date, last_day: date, tz: str = CLINIC_TIMEZONE
) -> Tuple[datetime, datetime]:
    """The aware UTC range ``[start, end)`` covering local days ``first_day..last_day``.

    For the dashboard's ``since``/``until`` and the log's ``date_from``/``date_to``.
    """
    if last_day < first_day:
        raise ValueError("last_day is before first_day")
    zone = clinic_zone(tz)
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def _days(since: datetime, until: datetime, zone: tzinfo) -> List[date]:
    first = since.astimezone(zone).date()
    last = (until - timedelta(microseconds=1)).astimezone(zone).date()
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _handoffs_created(executor: Executor, since: datetime, until: datetime) -> Set[str]:
    rows = executor.execute(
        sa.select(Handoff.conversation_id)
        .where(Handoff.created_at >= since, Handoff.created_at < until)
        .distinct()
    )
    return {row[0] for row in rows}


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def dashboard_stats(
    executor: Executor,
    since: datetime,
    until: datetime,
    tz: str = CLINIC_TIMEZONE,
    top_n: int = TOP_TOPICS,
) -> DashboardStats:
    """The dashboard's figures for the period ``[since, until)``.

    * conversations per local day: conversations in which the patient wrote
      that day (every day of the period, zeros included);
    * conversations: those in which the patient wrote during the period;
    * fallback rate: low-confidence or fallback messages / patient messages;
    * top topics: FAQ answer keys of the period's patient messages, most first;
    * handoff rate: active conversations handed off in the period (handoff
      action, pause, or a ``clinic_handoffs`` row created then) / active ones;
    * urgent: active conversations with the ``urgent`` slot set or an
      ``urgent_symptoms`` message in the period.

    Args:
        executor: A connection or session.
        since: Start of the period (aware).
        until: End of the period, exclusive (aware).
        tz: The clinic's time zone name, for days.
        top_n: How many topics to list.

    Raises:
        ValueError: Naive or reversed bounds, a period over 400 days, or an
            unknown time zone.
    """
    for value, name in ((since, "since"), (until, "until")):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")
    if until <= since:
        raise ValueError("until must be after since")
    if until - since > timedelta(days=MAX_DAYS):
        raise ValueError(f"the period may be at most {MAX_DAYS} days")
    zone = clinic_zone(tz)
    days = _days(since, until, zone)

    events = (
        load_events_between(executor, since, until, types=SUMMARY_EVENT_TYPES)
        if events_table_exists(executor)
        else {}
    )
    in_handoff_table = _handoffs_created(executor, since, until)

    per_day: Dict[date, Set[str]] = {day: set() for day in days}
    topics: Counter = Counter()
    messages = low_confidence = handed_off = urgent = active = 0
    for sender_id, conversation_events in events.items():
        facts = conversation_facts(sender_id, conversation_events)
        if not facts.turns:
            continue
        active += 1
        handed_off += facts.handed_off or sender_id in in_handoff_table
        urgent += facts.urgent
        for turn in facts.turns:
            messages += 1
            low_confidence += turn.low_confidence
            if turn.answer_key:
                topics[turn.answer_key] += 1
            if turn.time is not None:
                per_day.setdefault(turn.time.astimezone(zone).date(), set()).add(sender_id)

    return DashboardStats(
        since=since,
        until=until,
        tz=tz,
        conversations_per_day=tuple(DayCount(day, len(per_day[day])) for day in days),
        conversations=active,
        patient_messages=messages,
        low_confidence_messages=low_confidence,
        fallback_rate=_rate(low_confidence, messages),
        top_topics=tuple(
            TopicCount(key, count)
            for key, count in sorted(topics.items(), key=lambda item: (-item[1], item[0]))[
                : max(0, top_n)
            ]
        ),
        handed_off_conversations=handed_off,
        handoff_rate=_rate(handed_off, active),
        urgent_conversations=urgent,
    )
