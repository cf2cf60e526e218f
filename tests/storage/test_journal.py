"""The storage journal and its replay into PostgreSQL, as plain functions."""

from __future__ import annotations

import json
import stat
import threading
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import Engine

from bot.storage.journal import Journal, journal_path
from bot.storage.replay import (
    ensure_replay_table,
    replay_conversation,
    replay_journal,
    write_to_database,
)
from tests.utils.databases import event_column, fresh_postgres_database, postgres_test_url


def user_event(text: str, timestamp: float) -> dict:
    return {"event": "user", "text": text, "timestamp": timestamp, "parse_data": {}}


@pytest.fixture()
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "var" / "journal.db")


@pytest.fixture()
def engine() -> Iterator[Engine]:
    url = fresh_postgres_database(postgres_test_url(), "clinic_test_journal")
    engine = sa.create_engine(url, future=True)
    SQLTrackerStore.Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def stored_texts(engine: Engine, conversation_id: str) -> list:
    url = engine.url.render_as_string(hide_password=False)
    return [json.loads(data)["text"] for data in event_column(url, conversation_id, "data")]


def test_no_file_until_something_is_journalled(journal: Journal) -> None:
    assert journal.pending_events() == [] and journal.pending_count() == 0
    assert not journal.path.exists()


def test_journal_file_is_private_and_fsynced(journal: Journal) -> None:
    journal.append_events("a", [user_event("a1", 1.0)])
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert journal.synchronous_setting() == 2  # FULL: every commit is fsynced


def test_an_existing_journal_file_is_narrowed_to_0600(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    Journal(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_each_database_has_its_own_journal_unless_one_is_configured(tmp_path: Path) -> None:
    one = journal_path("postgresql://clinic:secret@db/clinic", {}, tmp_path)
    assert one.parent == tmp_path / "var" and one.name.startswith("journal-")
    assert one == journal_path("postgresql://clinic:other@db/clinic", {}, tmp_path)
    assert one != journal_path("postgresql://clinic@db/clinic_test", {}, tmp_path)
    configured = {"STORAGE_JOURNAL_PATH": "spool/j.db"}
    assert journal_path("sqlite://", configured, tmp_path) == tmp_path / "spool" / "j.db"


def test_events_come_back_in_order_per_conversation(journal: Journal) -> None:
    journal.append_events("a", [user_event("a1", 1.0), user_event("a2", 2.0)])
    journal.append_events("b", [user_event("b1", 3.0)])
    journal.append_events("a", [user_event("a3", 4.0)])
    assert [e.data["text"] for e in journal.pending_events("a")] == ["a1", "a2", "a3"]
    assert journal.pending_conversations() == ["a", "b"]
    assert journal.pending_count() == 4


def test_replay_writes_each_conversation_in_order_then_empties_the_journal(
    journal: Journal, engine: Engine
) -> None:
    journal.append_events("a", [user_event("a1", 1.0), user_event("a2", 2.0)])
    journal.append_events("b", [user_event("b1", 3.0)])
    journal.append_events("a", [user_event("a3", 4.0)])
    result = replay_journal(journal, engine)
    assert (result.conversations, result.events) == (2, 4)
    assert stored_texts(engine, "a") == ["a1", "a2", "a3"]
    assert stored_texts(engine, "b") == ["b1"]
    assert journal.pending_count() == 0
    # Nothing left: a second replay writes nothing.
    assert replay_journal(journal, engine).events == 0
    assert stored_texts(engine, "a") == ["a1", "a2", "a3"]


def test_a_crash_between_commit_and_removal_does_not_duplicate(
    journal: Journal, engine: Engine
) -> None:
    journal.append_events("a", [user_event("a1", 1.0), user_event("a2", 2.0)])
    ensure_replay_table(engine)
    pending = journal.pending_events("a")
    # The database commit happened, then the process died before removing the rows.
    assert write_to_database(engine, journal.instance, pending) == 2
    journal.append_events("a", [user_event("a3", 3.0)])
    assert replay_conversation(journal, engine, "a") == 1
    assert stored_texts(engine, "a") == ["a1", "a2", "a3"]
    assert journal.pending_count() == 0


def test_rows_of_a_new_journal_file_never_collide_with_old_replays(
    tmp_path: Path, engine: Engine
) -> None:
    first = Journal(tmp_path / "one.db")
    first.append_events("a", [user_event("a1", 1.0)])
    replay_journal(first, engine)
    second = Journal(tmp_path / "two.db")  # same row id 1, another instance
    second.append_events("a", [user_event("a2", 2.0)])
    replay_journal(second, engine)
    assert stored_texts(engine, "a") == ["a1", "a2"]


def race_replays(journal: Journal, engine: Engine, conversation: str, threads: int) -> list:
    """Replay one conversation from ``threads`` threads released at once; their errors."""
    start = threading.Barrier(threads)
    errors: list = []

    def replay() -> None:
        start.wait()
        try:
            replay_conversation(journal, engine, conversation)
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)

    workers = [threading.Thread(target=replay) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return errors


def test_replays_racing_on_a_database_without_the_replay_table_all_succeed(
    journal: Journal, engine: Engine
) -> None:
    """The return of the database: the background replay and turns replay at once.

    On PostgreSQL two concurrent ``CREATE TABLE`` of the same name collide
    (``DuplicateTable``, or a unique-index violation in the catalogue), and two
    replays of the same rows collide on the replay keys; neither may fail a
    turn. Several rounds, each with the table dropped, since one round does
    not always bring the collision about.
    """
    url = engine.url.render_as_string(hide_password=False)
    for round_number in range(5):
        conversation = f"race{round_number}"
        texts = [f"{conversation}-{index}" for index in range(5)]
        for index, text in enumerate(texts):
            journal.append_events(conversation, [user_event(text, float(index))])
        racing_engine = sa.create_engine(url, future=True)
        with racing_engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS tracker_journal_replays"))
        errors = race_replays(journal, racing_engine, conversation, threads=6)
        racing_engine.dispose()
        assert errors == [], f"round {round_number}"
        assert stored_texts(engine, conversation) == texts
        assert journal.pending_count() == 0
