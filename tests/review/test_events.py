"""The read-only description of Rasa's events table and the JSON search patterns."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import Connection

from bot.storage.migrate import include_object, upgrade
from bot.storage.models import Base
from bot.storage.rasa_events import (
    EVENTS_METADATA,
    LIKE_ESCAPE,
    events_table,
    json_like_patterns,
    load_events,
    text_matches,
)


def test_the_description_matches_rasas_table() -> None:
    rasa_table = SQLTrackerStore.SQLEvent.__table__
    ours = [(c.name, type(c.type), c.primary_key) for c in events_table.columns]
    theirs = [(c.name, type(c.type), c.primary_key) for c in rasa_table.columns]
    assert ours == theirs


def test_the_events_table_is_never_created_or_dropped_by_us(tmp_path) -> None:
    assert "events" not in Base.metadata.tables
    assert include_object(events_table, "events", "table", True, None) is False
    engine = sa.create_engine(f"sqlite:///{tmp_path}/guard.db", future=True)
    try:
        with engine.begin() as connection:
            with pytest.raises(RuntimeError, match="belongs to Rasa"):
                EVENTS_METADATA.create_all(connection)
            with pytest.raises(RuntimeError, match="belongs to Rasa"):
                events_table.create(connection)
            with pytest.raises(RuntimeError, match="belongs to Rasa"):
                events_table.drop(connection, checkfirst=False)
        assert not sa.inspect(engine).has_table("events")
    finally:
        engine.dispose()


def test_migrations_leave_the_stored_conversations_alone(
    clinic_url: str, connection: Connection
) -> None:
    before = connection.execute(sa.select(sa.func.count()).select_from(events_table)).scalar_one()
    connection.commit()
    upgrade(clinic_url)
    after = connection.execute(sa.select(sa.func.count()).select_from(events_table)).scalar_one()
    assert before == after > 0


def test_events_are_decoded_in_stored_order(connection: Connection) -> None:
    events = load_events(connection, ["faq-en", "nobody"])
    assert list(events) == ["faq-en"]
    ids = [event.id for event in events["faq-en"]]
    assert ids == sorted(ids)
    first_user = next(e for e in events["faq-en"] if e.type_name == "user")
    assert first_user.intent_name == "faq"
    assert first_user.parse_data["language"] == "en"
    assert first_user.time is not None and first_user.time.utcoffset().total_seconds() == 0
    only_users = load_events(connection, ["faq-en"], types=["user"])["faq-en"]
    assert {e.type_name for e in only_users} == {"user"}


def test_rasa_escapes_bangla_and_the_patterns_do_too(connection: Connection) -> None:
    raw = (
        connection.execute(
            sa.select(events_table.c.data).where(
                events_table.c.sender_id == "urgent-bn", events_table.c.type_name == "user"
            )
        )
        .scalars()
        .first()
    )
    assert "জ্বর" not in raw and json.dumps("জ্বর")[1:-1] in raw
    (pattern,) = json_like_patterns("জ্বর")
    assert pattern == "%" + json.dumps("জ্বর")[1:-1] + "%"
    found = (
        connection.execute(
            sa.select(events_table.c.sender_id)
            .where(sa.func.lower(events_table.c.data).like(pattern, escape=LIKE_ESCAPE))
            .distinct()
        )
        .scalars()
        .all()
    )
    assert found == ["urgent-bn"]


def test_like_wildcards_in_the_query_are_literal() -> None:
    assert json_like_patterns("50%_off!") == ["%50!%!_off!!%"]
    assert json_like_patterns('Say "Hi"') == ['%say \\"hi\\"%']
    assert json_like_patterns("   ") == []


def test_text_matching_ignores_case_and_normalisation() -> None:
    assert text_matches("What is a DFO?", "dfo")
    assert text_matches("হ\u09dfেছে", "হ\u09af\u09bcেছে")
    assert not text_matches("knee", "hip")
