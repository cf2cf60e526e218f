"""The conversation log over conversations Rasa stored, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import List

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.review.conversations import (
    ConversationFilters,
    conversation_summary,
    list_conversations,
    matching_conversation_ids,
)
from bot.review.dashboard import local_day_bounds
from tests.review import scenario
from tests.review.helpers import action, bot, save_conversations, user


def _ids(connection: Connection, **filters: object) -> List[str]:
    page = list_conversations(connection, ConversationFilters(**filters), page_size=100)
    assert page.total == len(page.items)
    return [summary.conversation_id for summary in page.items]


def test_every_conversation_with_a_patient_message_newest_first(connection: Connection) -> None:
    page = list_conversations(connection)
    assert [s.conversation_id for s in page.items] == scenario.ORDER_NEWEST_FIRST
    assert page.total == 5 and page.pages == 1 and not page.has_next


def test_summaries(connection: Connection) -> None:
    summaries = {s.conversation_id: s for s in list_conversations(connection).items}

    faq = summaries["faq-en"]
    assert faq.started_at == scenario.DAY1
    assert faq.last_at == scenario.DAY1 + timedelta(minutes=6)
    assert faq.started_at.tzinfo is not None and faq.last_at.utcoffset() == timedelta(0)
    assert (faq.channel, faq.language, faq.patient_message_count) == ("webchat", "en", 4)
    assert (faq.handed_off, faq.urgent, faq.fallback, faq.reviewed) == (False,) * 4
    assert faq.low_confidence_count == 0
    assert faq.top_topic == "faq/dfo_what_is"

    urgent = summaries["urgent-bn"]
    assert (urgent.channel, urgent.language, urgent.patient_message_count) == ("whatsapp", "bn", 2)
    assert urgent.urgent and urgent.handed_off  # red flags, the urgent slot, a pause
    assert urgent.top_topic == "urgent_symptoms"

    fallback = summaries["fallback-latn"]
    assert (fallback.channel, fallback.language) == ("rest", "bn_latn")
    assert fallback.fallback and fallback.low_confidence_count == 3
    assert fallback.handed_off and not fallback.urgent
    assert fallback.top_topic == "faq/vro_hospital_stay"

    button = summaries["button"]
    # The language slot wins; the handoff is only in clinic_handoffs.
    assert (button.language, button.handed_off, button.reviewed) == ("bn", True, True)
    assert button.top_topic == "faq/vro_recovery"

    old = summaries["old"]
    assert old.top_topic is None and old.language == "en"


def test_date_range_applies_to_the_last_event(connection: Connection) -> None:
    # 13 March in Dhaka starts at 18:00 UTC on the 12th: fallback-latn (19:30 UTC) is in it.
    start, end = local_day_bounds(
        datetime(2025, 3, 13).date(), datetime(2025, 3, 14).date(), "Asia/Dhaka"
    )
    assert _ids(connection, date_from=start, date_to=end) == ["button", "fallback-latn"]
    assert _ids(connection, date_to=scenario.DAY1) == ["old"]
    assert _ids(connection, date_from=scenario.DAY4 + timedelta(days=1)) == []
    with pytest.raises(ValueError, match="aware"):
        ConversationFilters(date_from=datetime(2025, 3, 1))


def test_flag_filters(connection: Connection) -> None:
    assert _ids(connection, channel="whatsapp") == ["urgent-bn"]
    assert _ids(connection, language="bn") == ["button", "urgent-bn"]
    assert _ids(connection, language="bn_latn") == ["fallback-latn"]
    assert _ids(connection, handed_off=True) == ["button", "fallback-latn", "urgent-bn"]
    assert _ids(connection, handed_off=False) == ["faq-en", "old"]
    assert _ids(connection, urgent=True) == ["urgent-bn"]
    assert _ids(connection, low_confidence_or_fallback=True) == ["fallback-latn"]
    assert "fallback-latn" not in _ids(connection, low_confidence_or_fallback=False)
    assert _ids(connection, reviewed=True) == ["button"]
    assert _ids(connection, reviewed=False) == ["fallback-latn", "urgent-bn", "faq-en", "old"]
    assert _ids(connection, reviewed=False, handed_off=True) == ["fallback-latn", "urgent-bn"]
    assert _ids(connection, channel="  ") == scenario.ORDER_NEWEST_FIRST  # blank means any


def test_search_in_patient_messages(connection: Connection) -> None:
    assert _ids(connection, q="DFO") == ["faq-en"]  # stored as "a DFO" and "a dfo"
    assert _ids(connection, q="জ্বর") == ["urgent-bn"]
    # The patient typed য় as one code point; the query has it decomposed, and vice versa.
    assert _ids(connection, q="হ\u09af\u09bcেছে") == ["urgent-bn"]
    assert _ids(connection, q="হ\u09dfেছে") == ["urgent-bn"]
    assert _ids(connection, q="Recovery after VRO") == ["button"]  # the button's title
    assert _ids(connection, q='HYPERLINK("http') == ["fallback-latn"]
    # Only the patient's own words: not the bot's, staff's, nor the JSON around them.
    assert _ids(connection, q="emergency care") == []
    assert _ids(connection, q="নার্স") == []
    assert _ids(connection, q="response_selector") == []
    assert _ids(connection, q="intent") == []
    assert _ids(connection, q="%") == []
    assert _ids(connection, q="dfo", language="bn") == []


async def test_search_takes_like_wildcards_literally(
    clinic_url: str, domain: Domain, connection: Connection
) -> None:
    at = scenario.DAY4 + timedelta(hours=1)
    await save_conversations(
        clinic_url,
        domain,
        {
            "percent": [user("is 100% recovery possible", "faq", 0.9, at=at)],
            "digits": [user("is 1000 recovery possible", "faq", 0.9, at=at)],
        },
    )
    connection.commit()
    assert _ids(connection, q="100%") == ["percent"]
    assert _ids(connection, q="100_") == []


def test_paging(connection: Connection) -> None:
    first = list_conversations(connection, page=1, page_size=2)
    second = list_conversations(connection, page=2, page_size=2)
    last = list_conversations(connection, page=3, page_size=2)
    beyond = list_conversations(connection, page=9, page_size=2)
    assert [s.conversation_id for s in first.items + second.items + last.items] == (
        scenario.ORDER_NEWEST_FIRST
    )
    assert (first.total, first.pages, first.has_next, first.has_previous) == (5, 3, True, False)
    assert (last.has_next, last.has_previous) == (False, True)
    assert beyond.items == () and beyond.total == 5
    # Filters checked in Python page the same way.
    filtered = list_conversations(
        connection, ConversationFilters(handed_off=True), page=2, page_size=2
    )
    assert [s.conversation_id for s in filtered.items] == ["urgent-bn"]
    assert filtered.total == 3
    with pytest.raises(ValueError):
        list_conversations(connection, page=0)
    with pytest.raises(ValueError):
        list_conversations(connection, page_size=501)


def test_works_with_an_orm_session(clinic_url: str) -> None:
    engine = sa.create_engine(clinic_url, future=True)
    try:
        with Session(engine) as session:
            page = list_conversations(session, ConversationFilters(q="জ্বর"))
            assert [s.conversation_id for s in page.items] == ["urgent-bn"]
    finally:
        engine.dispose()


def test_matching_ids_and_single_summary(connection: Connection) -> None:
    assert matching_conversation_ids(connection) == scenario.ORDER_NEWEST_FIRST
    assert matching_conversation_ids(connection, ConversationFilters(urgent=True)) == ["urgent-bn"]
    summary = conversation_summary(connection, "urgent-bn")
    assert summary is not None and summary.urgent
    assert conversation_summary(connection, "empty") is None
    assert conversation_summary(connection, "never-seen") is None


async def test_sessions_and_channels_of_one_sender(
    clinic_url: str, domain: Domain, connection: Connection
) -> None:
    at = datetime(2025, 4, 1, 9, 0, tzinfo=timezone.utc)
    await save_conversations(
        clinic_url,
        domain,
        {
            "switcher": [
                user("hello", "greet", 0.9, at=at, channel="webchat", language="bn_latn"),
                action("utter_greet", at=at + timedelta(seconds=1)),
                user("ki obostha", "greet", 0.45, at=at + timedelta(minutes=1),
                     channel="twilio_whatsapp", language="bn_latn"),
                user("what is vro", "faq", 0.95, at=at + timedelta(minutes=2),
                     channel="twilio_whatsapp", language="en",
                     answer=("faq/vro_what_is", 0.9)),
            ]
        },
    )  # fmt: skip
    connection.commit()
    summary = conversation_summary(connection, "switcher")
    assert summary is not None
    assert summary.channel == "twilio_whatsapp"  # the latest
    assert summary.language == "bn_latn"  # the most common
    assert summary.low_confidence_count == 1 and not summary.fallback


def test_a_database_rasa_has_not_written_to_yet(database_url: str) -> None:
    engine = sa.create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            assert list_conversations(connection).total == 0
            assert list_conversations(connection, ConversationFilters(q="x")).items == ()
            assert matching_conversation_ids(connection) == []
            assert conversation_summary(connection, "anyone") is None
    finally:
        engine.dispose()


async def test_a_staff_reply_can_be_the_last_event(
    clinic_url: str, domain: Domain, connection: Connection
) -> None:
    at = datetime(2025, 4, 2, 9, 0, tzinfo=timezone.utc)
    await save_conversations(
        clinic_url,
        domain,
        {
            "answered-by-staff": [
                user("can I talk to someone", "request_human", 0.97, at=at),
                action("action_handoff", at=at + timedelta(seconds=1)),
                bot("We will reply soon.", at=at + timedelta(seconds=1), utter="utter_handoff"),
                bot("Hello, this is the nurse.", at=at + timedelta(hours=2), staff="Rahima"),
            ]
        },
    )
    connection.commit()
    summary = conversation_summary(connection, "answered-by-staff")
    assert summary is not None
    assert (summary.started_at, summary.last_at) == (at, at + timedelta(hours=2))
    assert summary.handed_off and summary.top_topic == "request_human"
    assert _ids(connection, date_from=at + timedelta(hours=1))[0] == "answered-by-staff"
