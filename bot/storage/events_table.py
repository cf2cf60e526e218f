"""Create Rasa's ``events`` table once, however many Rasa servers start together.

Rasa's ``SQLTrackerStore`` runs ``create_all`` when it starts. Several servers
starting on an empty PostgreSQL database (``make cluster``) all see no
``events`` table and all send ``CREATE TABLE``: one wins, the others fail
with a unique violation on PostgreSQL's type catalogue. Rasa then logs the
SQL error, sleeps five seconds and tries again, so every losing server
starts late with an error in its log. Here the check and the creation run
under a PostgreSQL advisory lock, one server at a time; the next server
finds the table, and Rasa's own ``create_all`` has nothing left to do.
"""

from __future__ import annotations

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.pool import NullPool

# Any fixed number: every process creating the table takes the same lock.
EVENTS_TABLE_LOCK_KEY = 5_005_001


def create_events_table(url: str) -> None:
    """Create Rasa's ``events`` table (and its index) in ``url`` if it is missing.

    On PostgreSQL the whole check-and-create holds a transaction-scoped
    advisory lock, released at commit. Other databases (SQLite, one process)
    create it as Rasa would.
    """
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENTS_TABLE_LOCK_KEY}
                )
            SQLTrackerStore.Base.metadata.create_all(connection)
    finally:
        engine.dispose()
