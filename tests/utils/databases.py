"""Real databases for the tests: a SQLite file, and PostgreSQL on localhost."""

from __future__ import annotations

import os

import sqlalchemy as sa

from bot.storage.provision import ensure_database, recreate_database

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/clinic_test"
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


def postgres_test_url() -> str:
    """The PostgreSQL database the tests use (TEST_DATABASE_URL)."""
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_TEST_DATABASE_URL


def redis_test_url() -> str:
    """The Redis database the tests use (TEST_REDIS_URL)."""
    return os.environ.get("TEST_REDIS_URL") or DEFAULT_TEST_REDIS_URL


def ensure_postgres_database(url: str) -> str:
    """Create the PostgreSQL database named in ``url`` if it does not exist.

    Returns:
        ``url``, for chaining in fixtures.
    """
    return ensure_database(url)


def event_column(url: str, sender_id: str, column: str) -> list:
    """One column (``type_name`` or ``data``) of a conversation's rows in Rasa's events table."""
    if column not in ("type_name", "data"):
        raise ValueError(f"not an events column these tests read: {column!r}")
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(f"SELECT {column} FROM events WHERE sender_id = :sender ORDER BY id"),  # noqa: S608 (checked above)
                {"sender": sender_id},
            )
            return [row[0] for row in rows]
    finally:
        engine.dispose()


def event_types(url: str, sender_id: str) -> list:
    """The type names of a conversation's rows in Rasa's events table, in order."""
    return event_column(url, sender_id, "type_name")


def fresh_postgres_database(url: str, name: str) -> str:
    """Drop and create the PostgreSQL database ``name`` on ``url``'s server.

    Returns:
        The URL of the new, empty database.
    """
    return recreate_database(url, name)
