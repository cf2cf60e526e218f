"""The queries the console and the web process used to write themselves, now in bot.storage.

Each runs on a migrated SQLite database, with Rasa's ``events`` table created
the way Rasa 3.6 creates it when a test needs one.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, Optional

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bot.storage import repository
from bot.storage.engine import engine_for, session_factory
from bot.storage.migrate import upgrade
from bot.storage.models import (
    CallbackRequest,
    Handoff,
    ReviewAnnotation,
    ReviewedConversation,
    StaffSession,
)
from bot.storage.rasa_events import events_table, last_user_message_at, recent_messages
from tests import factories

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
# The shape of Rasa 3.6's SQLTrackerStore table, created the way Rasa would.
RASA_EVENTS_DDL = (
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,"
    " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
)


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker]:
    """Sessions on a migrated SQLite database without Rasa's events table."""
    url = f"sqlite:///{tmp_path}/clinic.db"
    upgrade(url)
    engine = engine_for(url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def add_event(
    session: Session, sender_id: str, type_name: str, timestamp: float, text: Optional[str] = None
) -> None:
    """One row in Rasa's events table, as Rasa serialises it."""
    data = json.dumps({"event": type_name, "timestamp": timestamp, "text": text})
    session.execute(
        sa.insert(events_table).values(
            sender_id=sender_id, type_name=type_name, timestamp=timestamp, data=data
        )
    )


def with_events_table(session: Session) -> None:
    """Create Rasa's events table the way Rasa does (our description refuses to)."""
    session.execute(sa.text(RASA_EVENTS_DDL))


def test_staff_names_by_id(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        nurse = factories.staff(session, "nurse", display_name="Nurse Rahman")
        admin = factories.staff(session, "admin", display_name="Dr Karim", role="admin")
        assert repository.staff_display_names(session=session) == {
            nurse.id: "Nurse Rahman",
            admin.id: "Dr Karim",
        }
        assert repository.staff_usernames(session=session) == {
            nurse.id: "nurse",
            admin.id: "admin",
        }


def test_console_sessions_by_token_hash_and_count(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        nurse = factories.staff(session)
        other = factories.staff(session, "other")
        for token_hash in ("a" * 64, "b" * 64):
            session.add(StaffSession(token_hash=token_hash, staff_id=nurse.id, csrf_token="c"))
        session.flush()
        found = repository.staff_session_by_token_hash(session=session, token_hash="b" * 64)
        assert found is not None and found.staff_id == nurse.id
        assert repository.staff_session_by_token_hash(session=session, token_hash="z" * 64) is None
        assert repository.count_staff_sessions(session=session, staff_id=nurse.id) == 2
        assert repository.count_staff_sessions(session=session, staff_id=other.id) == 0


def test_unhandled_callbacks_oldest_first_and_handled_once(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        later = factories.callback(
            session, "web-2", consent_given_at=NOW, created_at=NOW - timedelta(hours=1)
        )
        earlier = factories.callback(
            session, "web-1", consent_given_at=NOW, created_at=NOW - timedelta(hours=2)
        )
        ids = (earlier.id, later.id)
    with sessions.begin() as session:
        assert [row.id for row in repository.unhandled_callbacks(session=session)] == list(ids)
        assert repository.mark_callback_handled(session=session, callback_id=ids[0]) is True
    with sessions.begin() as session:
        handled_at = session.get(CallbackRequest, ids[0]).handled_at
        assert handled_at is not None
        assert repository.mark_callback_handled(session=session, callback_id=ids[0]) is False
        assert repository.mark_callback_handled(session=session, callback_id=9999) is False
        assert [row.id for row in repository.unhandled_callbacks(session=session)] == [ids[1]]
    with sessions() as session:
        assert session.get(CallbackRequest, ids[0]).handled_at == handled_at


def test_audit_log_page_newest_first(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        for number in range(5):
            entry = repository.add_audit(session=session, actor_id=None, action=f"test.{number}")
            entry.created_at = NOW + timedelta(minutes=number)
    with sessions() as session:
        page = repository.audit_log_page(session=session, offset=1, limit=3)
        assert [entry.action for entry in page] == ["test.3", "test.2", "test.1"]


def test_delete_conversation_removes_its_rows_and_events_only(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        with_events_table(session)
        nurse = factories.staff(session)
        for conversation in ("web-1", "web-2"):
            factories.handoff(session, conversation)
            factories.callback(session, conversation, consent_given_at=NOW)
            factories.reviewed(session, conversation, reviewed_by=nurse)
            add_event(session, conversation, "user", 1.0, "hello")
            add_event(session, conversation, "bot", 2.0, "hi")
        factories.annotation(session, "web-1", event_id=1, created_by=nurse)
    with sessions.begin() as session:
        counts = repository.delete_conversation(session=session, conversation_id="web-1")
    assert counts == {
        "events": 2,
        "clinic_callback_requests": 1,
        "clinic_handoffs": 1,
        "clinic_review_annotations": 1,
        "clinic_reviewed_conversations": 1,
    }
    with sessions() as session:
        left = session.execute(sa.select(events_table.c.sender_id)).scalars().all()
        assert set(left) == {"web-2"}
        for model in (CallbackRequest, Handoff, ReviewedConversation):
            owners = session.execute(sa.select(model.conversation_id)).scalars().all()
            assert owners == ["web-2"]
        assert session.execute(sa.select(ReviewAnnotation)).first() is None


def test_delete_conversation_without_rasas_table(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        factories.handoff(session, "web-1")
        counts = repository.delete_conversation(session=session, conversation_id="web-1")
    assert "events" not in counts
    assert counts["clinic_handoffs"] == 1


def test_last_user_message_at(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        assert last_user_message_at(session, "web-1") is None  # no events table yet
        with_events_table(session)
        assert last_user_message_at(session, "web-1") is None
        add_event(session, "web-1", "user", 100.0, "first")
        add_event(session, "web-1", "user", 250.5, "second")
        add_event(session, "web-1", "bot", 900.0, "a reply is not the patient")
        add_event(session, "web-2", "user", 1000.0, "another conversation")
        assert last_user_message_at(session, "web-1") == datetime.fromtimestamp(
            250.5, tz=timezone.utc
        )


def test_recent_messages_newest_first(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        with_events_table(session)
        add_event(session, "web-1", "user", 1.0, "one")
        add_event(session, "web-1", "action", 2.0)
        add_event(session, "web-1", "bot", 3.0, "two")
        add_event(session, "web-1", "user", 4.0, "three")
        add_event(session, "web-2", "user", 5.0, "elsewhere")
        rows = recent_messages(session, "web-1", limit=2)
        assert [(type_name, timestamp) for type_name, timestamp, _ in rows] == [
            ("user", 4.0),
            ("bot", 3.0),
        ]
        assert json.loads(rows[0][2])["text"] == "three"
        assert len(recent_messages(session, "web-1", limit=10)) == 3
