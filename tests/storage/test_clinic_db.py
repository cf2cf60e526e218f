"""The clinic's own tables, migrated by Alembic, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, List

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.storage import repository
from bot.storage.database import ensure_sqlite_folder
from bot.storage.engine import engine_for, session_factory
from bot.storage.migrate import VERSION_TABLE, context_options, downgrade, upgrade
from bot.storage.models import Base, CallbackRequest, Handoff, StaffAccount, utc_now
from tests import factories
from tests.utils.databases import fresh_postgres_database, postgres_test_url

# A database of its own, so these tests never disturb others using the test server.
POSTGRES_DATABASE = "clinic_test_db_layer"
CLINIC_TABLES = {
    "clinic_staff_accounts",
    "clinic_handoffs",
    "clinic_callback_requests",
    "clinic_review_annotations",
    "clinic_reviewed_conversations",
    "clinic_audit_log",
    "clinic_staff_sessions",
    "clinic_sign_in_throttles",
}
# The shape of Rasa 3.6's SQLTrackerStore table, created the way Rasa would.
RASA_EVENTS_DDL = (
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,"
    " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a database with no tables in it."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/var/clinic.db"
    return fresh_postgres_database(postgres_test_url(), POSTGRES_DATABASE)


@pytest.fixture
def database_url(empty_database: str) -> str:
    """An empty database migrated to the latest revision."""
    upgrade(empty_database)
    return empty_database


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker]:
    engine = engine_for(database_url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def _tables(url: str) -> set:
    engine = sa.create_engine(url, future=True)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _version(url: str) -> List[str]:
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    sa.select(sa.column("version_num")).select_from(sa.table(VERSION_TABLE))
                ).scalars()
            )
    finally:
        engine.dispose()


def test_upgrade_creates_the_tables_and_running_it_again_changes_nothing(
    database_url: str,
) -> None:
    assert _tables(database_url) == CLINIC_TABLES | {VERSION_TABLE}
    assert _version(database_url) == ["0003"]

    upgrade(database_url)

    assert _tables(database_url) == CLINIC_TABLES | {VERSION_TABLE}
    assert _version(database_url) == ["0003"]


def test_rasa_events_table_survives_upgrade_and_downgrade(empty_database: str) -> None:
    ensure_sqlite_folder(empty_database)
    engine = sa.create_engine(empty_database, future=True)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(RASA_EVENTS_DDL))
            connection.execute(
                sa.text(
                    "INSERT INTO events (id, sender_id, type_name, timestamp, data)"
                    " VALUES (1, :sender, 'user', 1.5, :data)"
                ),
                {"sender": "patient-1", "data": '{"text": "hello"}'},
            )
        columns_before = sa.inspect(engine).get_columns("events")

        upgrade(empty_database)
        downgrade(empty_database, "base")
        upgrade(empty_database)

        assert "events" in _tables(empty_database)
        assert [(c["name"], str(c["type"])) for c in sa.inspect(engine).get_columns("events")] == [
            (c["name"], str(c["type"])) for c in columns_before
        ]
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, sender_id, data FROM events")).all()
        assert [tuple(row) for row in rows] == [(1, "patient-1", '{"text": "hello"}')]
    finally:
        engine.dispose()


def test_downgrade_removes_only_our_tables(database_url: str) -> None:
    downgrade(database_url, "base")
    assert _tables(database_url) == {VERSION_TABLE}


def test_models_match_the_migrations(database_url: str) -> None:
    engine = sa.create_engine(database_url, future=True)
    try:
        with engine.begin() as connection:
            # A foreign table must not show up as something to drop.
            connection.execute(sa.text(RASA_EVENTS_DDL))
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts=context_options(connection.dialect.name)
            )
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_opening_a_handoff_twice_returns_the_same_one(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        first = repository.open_handoff(
            session=session,
            conversation_id="c-1",
            channel="widget",
            urgent=False,
            reason="requested",
        )
        first_id = first.id
    with sessions.begin() as session:
        second = repository.open_handoff(
            session=session, conversation_id="c-1", channel="widget", urgent=True, reason="urgent"
        )
        assert second.id == first_id
        # An urgent follow-up moves the existing handoff to the front of the queue.
        assert second.urgent is True
        count = session.execute(sa.select(sa.func.count()).select_from(Handoff)).scalar_one()
        assert count == 1


def test_queue_is_urgent_first_then_oldest_first(sessions: sessionmaker) -> None:
    now = utc_now()
    with sessions.begin() as session:
        staff = factories.staff(session)
        created = {}
        for name, urgent, minutes_ago in (
            ("new-routine", False, 1),
            ("old-routine", False, 30),
            ("new-urgent", True, 2),
            ("old-urgent", True, 20),
            ("closed-urgent", True, 60),
        ):
            created[name] = factories.handoff(
                session, name, channel="widget", urgent=urgent, reason="x",
                created_at=now - timedelta(minutes=minutes_ago),
            ).id  # fmt: skip
        session.flush()
        repository.claim_handoff(
            session=session, handoff_id=created["old-routine"], staff_id=staff.id
        )
        repository.close_handoff(
            session=session, handoff_id=created["closed-urgent"], staff_id=staff.id
        )

    with sessions.begin() as session:
        queue = repository.open_handoffs_queue(session=session)
        assert [h.conversation_id for h in queue] == [
            "old-urgent",
            "new-urgent",
            "old-routine",
            "new-routine",
        ]
        assert queue[2].status == "claimed"


def test_claiming_is_exclusive(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        first, second = factories.staff(session, "first"), factories.staff(session, "second")
        handoff = factories.handoff(session, "c-2", channel="widget", reason="fallback")
        handoff_id = handoff.id
        claimed = repository.claim_handoff(
            session=session, handoff_id=handoff.id, staff_id=first.id
        )
        assert (claimed.status, claimed.claimed_by_id) == ("claimed", first.id)
        assert (
            repository.claim_handoff(
                session=session, handoff_id=handoff.id, staff_id=first.id
            ).claimed_by_id
            == first.id
        )
        with pytest.raises(repository.HandoffStateError):
            repository.claim_handoff(session=session, handoff_id=handoff.id, staff_id=second.id)
        closed = repository.close_handoff(session=session, handoff_id=handoff.id, staff_id=first.id)
        assert closed.status == "closed"
        assert closed.closed_at is not None
        with pytest.raises(repository.HandoffStateError):
            repository.claim_handoff(session=session, handoff_id=handoff.id, staff_id=first.id)
        with pytest.raises(LookupError):
            repository.claim_handoff(session=session, handoff_id=999_999, staff_id=first.id)
    # A new request after the handoff was closed opens a new one.
    with sessions.begin() as session:
        again = repository.open_handoff(
            session=session,
            conversation_id="c-2",
            channel="widget",
            urgent=False,
            reason="requested",
        )
        assert again.id != handoff_id


def test_delete_older_than_removes_only_old_rows(sessions: sessionmaker) -> None:
    now = utc_now()
    old = now - timedelta(days=40)
    cutoff = now - timedelta(days=30)
    with sessions.begin() as session:
        staff = factories.staff(session)
        for age, suffix in ((old, "old"), (now, "new")):
            factories.callback(
                session, f"cb-{suffix}", consent_given_at=age, preferred_time="after 5pm",
                created_at=age,
            )  # fmt: skip
            factories.handoff(
                session, f"h-{suffix}", channel="widget", closed_by=staff, closed_at=age
            )
            factories.handoff(session, f"open-{suffix}", channel="widget", created_at=age)
            factories.annotation(
                session, f"r-{suffix}", event_id=1 if suffix == "old" else 2,
                correct_key="faq/visiting_hours", created_by=staff, created_at=age,
            )  # fmt: skip
            factories.reviewed(session, f"r-{suffix}", reviewed_by=staff, reviewed_at=age)
        repository.add_audit(session=session, actor_id=staff.id, action="test.old")

    with sessions.begin() as session:
        counts = repository.delete_older_than(session=session, cutoff=cutoff)
    assert counts == {
        "clinic_callback_requests": 1,
        "clinic_handoffs": 1,
        "clinic_review_annotations": 1,
        "clinic_reviewed_conversations": 1,
    }

    with sessions.begin() as session:
        remaining = {
            table: sorted(
                session.execute(
                    sa.select(sa.column("conversation_id")).select_from(sa.table(table))
                ).scalars()
            )
            for table in counts
        }
        audit = session.execute(sa.text("SELECT count(*) FROM clinic_audit_log")).scalar_one()
    assert remaining == {
        "clinic_callback_requests": ["cb-new"],
        "clinic_handoffs": ["h-new", "open-new", "open-old"],
        "clinic_review_annotations": ["r-new"],
        "clinic_reviewed_conversations": ["r-new"],
    }
    assert audit == 1


def test_role_outside_the_list_is_rejected_by_the_database(sessions: sessionmaker) -> None:
    session = sessions()
    try:
        session.add(
            StaffAccount(username="mallory", display_name="M", password_hash="x", role="root")
        )
        with pytest.raises(IntegrityError):
            session.flush()
    finally:
        session.rollback()
        session.close()
    with sessions.begin() as session, pytest.raises(ValueError):
        repository.create_staff(
            session=session, username="m", display_name="M", password_hash="x", role="root"
        )


def test_usernames_are_unique(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        factories.staff(session, "same")
    with pytest.raises(IntegrityError), sessions.begin() as session:
        factories.staff(session, "same")
    with sessions.begin() as session:
        found = repository.staff_by_username(session=session, username="same")
        assert found is not None and found.is_active is True
        assert repository.staff_by_username(session=session, username="nobody") is None


def test_timestamps_come_back_timezone_aware_in_utc(sessions: sessionmaker) -> None:
    dhaka = timezone(timedelta(hours=6))
    consent = datetime(2024, 5, 1, 15, 30, 0, 123456, tzinfo=dhaka)
    with sessions.begin() as session:
        callback_id = repository.record_callback(
            session=session,
            conversation_id="tz",
            name="Patient",
            phone="+8801712345678",
            preferred_time="morning",
            consent_given_at=consent,
        ).id
    with sessions.begin() as session:
        callback = session.get(CallbackRequest, callback_id)
        assert callback is not None
        assert callback.consent_given_at == consent
        assert callback.consent_given_at.utcoffset() == timedelta(0)
        assert callback.consent_given_at.hour == 9
        assert callback.created_at.tzinfo is not None
        assert abs(utc_now() - callback.created_at) < timedelta(minutes=5)
        # Comparisons in SQL use the same UTC values.
        found = session.execute(
            sa.select(CallbackRequest.id).where(
                CallbackRequest.consent_given_at
                == datetime(2024, 5, 1, 9, 30, 0, 123456, tzinfo=timezone.utc)
            )
        ).scalar_one()
        assert found == callback_id


def test_naive_timestamps_and_bad_numbers_are_refused(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        with pytest.raises(ValueError, match="E.164"):
            repository.record_callback(
                session=session, conversation_id="c", name="P", phone="01712345678",
                preferred_time="any", consent_given_at=utc_now(),
            )  # fmt: skip
        with pytest.raises(ValueError, match="aware"):
            repository.record_callback(
                session=session, conversation_id="c", name="P", phone="+8801712345678",
                preferred_time="any", consent_given_at=datetime(2024, 1, 1),
            )  # fmt: skip
        with pytest.raises(ValueError, match="aware"):
            repository.delete_older_than(session=session, cutoff=datetime(2024, 1, 1))


def test_audit_details_are_stored_as_json(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        staff = factories.staff(session)
        entry = repository.add_audit(
            session=session,
            actor_id=staff.id,
            action="handoff.claimed",
            target="handoff:1",
            details={"handoff_id": 1, "urgent": True},
        )
        assert entry.details == '{"handoff_id": 1, "urgent": true}'
        assert entry.created_at.tzinfo is not None
