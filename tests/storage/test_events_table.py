"""Rasa's events table created by several Rasa servers at once (bot/storage/events_table.py).

Rasa's own ``create_all`` races: of six processes starting on an empty
PostgreSQL database, five fail to create the table and Rasa retries them five
seconds later. ``create_events_table`` must leave none failing.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, List

import sqlalchemy as sa

from bot.storage.events_table import create_events_table
from tests.utils.databases import fresh_postgres_database, postgres_test_url

STARTING_SERVERS = 6


def start_together(create: Callable[[], None]) -> List[str]:
    """Run ``create`` in ``STARTING_SERVERS`` threads released at once; the errors' names."""
    barrier = threading.Barrier(STARTING_SERVERS)
    errors: List[str] = []

    def server() -> None:
        barrier.wait()
        try:
            create()
        except sa.exc.SQLAlchemyError as error:
            errors.append(type(error).__name__)

    threads = [threading.Thread(target=server) for _ in range(STARTING_SERVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def columns(url: str) -> List[str]:
    engine = sa.create_engine(url)
    try:
        return [column["name"] for column in sa.inspect(engine).get_columns("events")]
    finally:
        engine.dispose()


def test_servers_starting_together_on_an_empty_database_all_find_the_table() -> None:
    url = fresh_postgres_database(postgres_test_url(), "clinic_events_table_test")
    assert start_together(lambda: create_events_table(url)) == []
    assert columns(url) == [
        "id",
        "sender_id",
        "type_name",
        "timestamp",
        "intent_name",
        "action_name",
        "data",
    ]


def test_an_existing_table_and_its_rows_are_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/rasa.db"
    create_events_table(url)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO events (sender_id, type_name, data) VALUES ('a', 'user', '{}')"
                )
            )
        create_events_table(url)
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM events")).scalar() == 1
    finally:
        engine.dispose()
