"""Replaying the journal into the database once it answers again.

Each conversation's journalled events are written to Rasa's ``events`` table
in their order, in one database transaction that also records a *replay key*
per event (``<journal instance>:<row id>``) in ``tracker_journal_replays``.
Only then are the rows removed from the journal. A crash between the commit
and the removal leaves rows whose keys are already in the database: the next
replay skips them, so no event is ever written twice. Two processes
replaying the same journal at once collide on the keys' primary key; the
loser's transaction rolls back and it finds the rows done on its next try.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, Sequence, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, ProgrammingError
from sqlalchemy.orm import Session

from bot.storage.journal import Journal, JournalledEvent

logger = logging.getLogger(__name__)

# How often a replay is tried again after colliding with a concurrent one on the replay keys.
KEY_COLLISION_ATTEMPTS = 3

EVENTS = SQLTrackerStore.SQLEvent.__table__
REPLAYS = sa.Table(
    "tracker_journal_replays",
    sa.MetaData(),
    sa.Column("replay_key", sa.String(80), primary_key=True),
    sa.Column("replayed_at", sa.Float, nullable=False),
)


class ReplayGate:
    """Lets a full replay be tried at most once every ``interval_seconds`` (a cheap check)."""

    def __init__(self, interval_seconds: float = 2.0) -> None:
        """Allow the first try at once."""
        self.interval_seconds = interval_seconds
        self._last = float("-inf")
        self._guard = threading.Lock()

    def due(self) -> bool:
        """Whether a try is due now; if so, the next one is ``interval_seconds`` away."""
        with self._guard:
            now = time.monotonic()
            if now - self._last < self.interval_seconds:
                return False
            self._last = now
            return True


@dataclass(frozen=True)
class ReplayResult:
    """What one replay wrote: the conversations replayed and how many events it inserted."""

    conversation_ids: Tuple[str, ...] = ()
    events: int = 0

    @property
    def conversations(self) -> int:
        """How many conversations were replayed."""
        return len(self.conversation_ids)


def replay_key(instance: str, row_id: int) -> str:
    """The key that names one journal row for ever."""
    return f"{instance}:{row_id}"


def event_row(conversation_id: str, data: Dict[str, Any]) -> Dict[str, Any]:
    """The ``events`` row of a stored (masked) event dict, as ``SQLTrackerStore.save`` writes it."""
    return {
        "sender_id": conversation_id,
        "type_name": data.get("event"),
        "timestamp": data.get("timestamp"),
        "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def ensure_replay_table(engine: Engine) -> None:
    """Create ``tracker_journal_replays`` if it is missing.

    When the database comes back, the background replay and the waiting turns
    (in this process and others) may all find the table missing at once. On
    PostgreSQL the losers of that race get ``DuplicateTable`` (a
    ProgrammingError) or a unique-index violation in the catalogue (an
    IntegrityError); the table then exists, which is all that is asked.
    """
    try:
        REPLAYS.create(engine, checkfirst=True)
    except (IntegrityError, ProgrammingError):
        if not sa.inspect(engine).has_table(REPLAYS.name):
            raise


def delete_replay_keys_before(session: Session, cutoff: float) -> int:
    """Delete the replay keys recorded before ``cutoff`` (a UNIX time); how many went.

    A key is needed only while its journal row may still exist (a crash
    between the database commit and the row's removal), seconds to minutes;
    ``make retention`` drops the ones older than its period. Runs in the
    caller's transaction; a database without the table has none.
    """
    if not sa.inspect(session.connection()).has_table(REPLAYS.name):
        return 0
    result = session.execute(REPLAYS.delete().where(REPLAYS.c.replayed_at < cutoff))
    return int(result.rowcount or 0)


def write_to_database(engine: Engine, instance: str, events: Sequence[JournalledEvent]) -> int:
    """Insert the events that are not yet in the database, with their keys, in one transaction.

    Returns:
        How many events were inserted (0 when all were already replayed).
    """
    keys = {event.row_id: replay_key(instance, event.row_id) for event in events}
    with engine.begin() as connection:
        done = set(
            connection.execute(
                sa.select(REPLAYS.c.replay_key).where(REPLAYS.c.replay_key.in_(keys.values()))
            ).scalars()
        )
        todo = [event for event in events if keys[event.row_id] not in done]
        if not todo:
            return 0
        now = time.time()
        # Keys first: a concurrent replay of the same rows fails here, before any event.
        connection.execute(
            REPLAYS.insert(), [{"replay_key": keys[e.row_id], "replayed_at": now} for e in todo]
        )
        # One insert per event, so that the ids follow the journal's order.
        for event in todo:
            row = event_row(event.conversation_id, event.data)
            connection.execute(EVENTS.insert().values(**row))
    return len(todo)


def replay_conversation(journal: Journal, engine: Engine, conversation_id: str) -> int:
    """Replay one conversation's journalled events, then remove them from the journal.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: The database failed; the journal is unchanged.
    """
    events = journal.pending_events(conversation_id)
    if not events:
        return 0
    ensure_replay_table(engine)
    for attempt in range(1, KEY_COLLISION_ATTEMPTS + 1):
        try:
            inserted = write_to_database(engine, journal.instance, events)
            break
        except IntegrityError:
            # Another thread or process replayed some of these rows at the same moment;
            # its commit is visible now, so the next try skips them.
            if attempt == KEY_COLLISION_ATTEMPTS:
                raise
    journal.forget_events([event.row_id for event in events])
    return inserted


def replay_journal(journal: Journal, engine: Engine) -> ReplayResult:
    """Replay every journalled conversation, oldest first.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: The database failed; what was replayed
            before the failure is done, the rest stays in the journal.
    """
    conversations = journal.pending_conversations()
    if not conversations:
        return ReplayResult()
    inserted = 0
    for conversation_id in conversations:
        inserted += replay_conversation(journal, engine, conversation_id)
    logger.warning(
        "storage.journal_replayed",
        extra={"conversations": len(conversations), "events": inserted},
    )
    return ReplayResult(tuple(conversations), inserted)
