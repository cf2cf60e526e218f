"""Rasa's SQL tracker store, configured from one ``DATABASE_URL``.

``endpoints.yml`` names this class. Rasa's ``SQLTrackerStore`` wants the URL
split into dialect, host, port and so on; the clinic's deployments set a
single ``DATABASE_URL`` instead (SQLite by default, PostgreSQL in production).
Conversations are stored in Rasa's own ``events`` table, which we only read.

Phone numbers and national ID numbers are masked before events are written:
every string of every event (the patient's messages, the assistant's replies,
slot and entity values, ``parse_data``, channel metadata) reaches the database
with its numbers as ``[phone •••78]``. The callback request, kept
in ``clinic_callback_requests`` with the patient's consent, is the one place a
number is kept in full (see ``actions/callback.py``). The assistant still sees
the full text while it handles the turn; only the stored copy is masked.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.log_redaction import conversation_reference
from bot.privacy import SENSITIVE_SLOTS, mask_nested, mask_phone_for_display
from bot.settings import get_settings
from bot.storage import health
from bot.storage.database import DATABASE_OUTAGE_ERRORS, wait_for_database
from bot.storage.errors import StorageUnavailable
from bot.storage.events_table import create_events_table
from bot.storage.handoff_outbox import deliver_queued_handoffs
from bot.storage.journal import Journal, JournalError, JournalledEvent, journal_path
from bot.storage.known_conversations import KnownConversations
from bot.storage.live_trackers import LiveTrackers
from bot.storage.replay import ReplayGate, event_row, replay_conversation, replay_journal
from bot.storage.session_cache import (
    CachedRow,
    CachedSession,
    SessionCache,
    consistent,
    mark_stored,
)
from bot.storage.worker_threads import WorkerThreads

logger = logging.getLogger(__name__)

# How often a replay of the journal may be tried (from a turn, or in the background).
REPLAY_INTERVAL_SECONDS = 2.0
# How long a turn waits for PostgreSQL to accept a connection before journalling.
CONNECT_TIMEOUT_SECONDS = 3


class DatabaseUrlTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` on ``DATABASE_URL`` that journals what it cannot write.

    ``save`` never raises for a database outage, so Rasa's
    ``FailSafeTrackerStore`` never falls back to its in-memory store: the new
    events go to the journal (:mod:`bot.storage.journal`) before ``save``
    returns, and ``retrieve`` rebuilds the conversation from the last events
    this process read or wrote plus the journalled ones. When the database
    answers again the journal is replayed into it, in order, before the
    conversation is read or written there. If even the journal cannot be
    written, ``save`` raises :class:`StorageUnavailable` (a retryable refusal).

    A conversation's latest session is kept between turns
    (:mod:`bot.storage.session_cache`): a turn reads only the rows written
    since, and the whole session only when the table changed otherwise.
    """

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        database_url: Optional[str] = None,
        journal_file: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        """Connects to ``database_url``, or to the configured ``DATABASE_URL``.

        Args:
            domain: The assistant's domain.
            host: Ignored; present because Rasa passes the endpoint's ``url``.
            event_broker: Optional broker that receives every event.
            database_url: Overrides the setting (used by tests).
            journal_file: Overrides ``STORAGE_JOURNAL_PATH``.
            **kwargs: Further ``SQLTrackerStore`` options from ``endpoints.yml``.
        """
        url = database_url or get_settings().database_url
        wait_for_database(url)
        logger.info("tracker_store.connected", extra={"backend": make_url(url).get_backend_name()})
        # One server at a time, so Rasa's own create_all finds the table
        # instead of racing the other servers for it.
        create_events_table(url)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        # Check connections before use, so a restarted database costs no failed turn.
        self.engine.dispose()
        self.engine: sa.engine.Engine = sa.create_engine(
            url, pool_pre_ping=True, **engine_options(url)
        )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.database_url = url
        self.journal = Journal(Path(journal_file) if journal_file else journal_path(url))
        self.known = KnownConversations()
        self.sessions = SessionCache()
        self.live = LiveTrackers()
        self.replay_gate = ReplayGate(REPLAY_INTERVAL_SECONDS)
        self.replay_thread: Optional[threading.Thread] = None
        self.replay_thread_guard = threading.Lock()
        self.threads = WorkerThreads.for_url(url)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, masked; journal them if the database fails.

        The database work runs on the store's threads (:meth:`write_events`).

        Raises:
            StorageUnavailable: Neither the database nor the journal could
                take the events: the message must not be acknowledged.
        """
        await self.stream_events(tracker)
        await self.threads.run(self.write_events, tracker)

    def write_events(self, tracker: DialogueStateTracker) -> None:
        """What :meth:`save` does after the event broker: blocking, for a worker thread."""
        self.replay_if_due()
        sender = tracker.sender_id
        stored = self.known.stored_count(tracker)
        try:
            self.replay_conversation(sender)
            with self.session_scope() as session:
                if stored is None:
                    unsaved = list(self._additional_events(session, tracker))
                    stored = len(tracker.events) - len(unsaved)
                serialised = [e.as_dict() for e in events_after(tracker, stored)]
                new_events = [stored_event_data(data) for data in serialised]
                rows = [event_row(sender, data) for data in new_events]
                if rows:
                    # One INSERT for all rows, without building an ORM object per event.
                    session.execute(self.SQLEvent.__table__.insert(), rows)
                    total, last_id = self.fingerprint(session, sender)
                session.commit()
            health.mark_available(health.POSTGRESQL)
            self.known.add(sender, stored, new_events)
            if rows:
                self.remember_written(sender, rows, total, last_id)
            self.keep_live(tracker, masked=stored_differently(serialised, rows))
        except DATABASE_OUTAGE_ERRORS as error:
            health.mark_unavailable(health.POSTGRESQL, error)
            self.sessions.forget(sender)
            self.live.forget(sender)
            if stored is None:
                stored = self.known.count(sender) + len(self.pending_events(sender))
            new_events = [stored_event_data(e.as_dict()) for e in events_after(tracker, stored)]
            try:
                self.journal.append_events(sender, new_events)
            except JournalError as journal_error:
                logger.error("tracker_store.journal_failed", extra={"error": str(journal_error)})
                raise StorageUnavailable(health.POSTGRESQL) from journal_error
            logger.info(
                "tracker_store.journalled",
                extra={"conversation": conversation_reference(sender), "events": len(new_events)},
            )
            self.start_replay_thread()
        self.known.handed_out(tracker)

    def keep_live(self, tracker: DialogueStateTracker, masked: bool) -> None:
        """Keep the saved tracker for the next message, if it is what the table holds.

        Not when masking changed an event it stored (the tracker holds what the
        table does not; JSON's own changes, tuples to lists, do not count), nor
        when the tracker holds more than the table's latest session (a session
        started in this turn).
        """
        cached = self.sessions.get(tracker.sender_id)
        if masked or cached is None or len(cached.rows) != len(tracker.events):
            self.live.forget(tracker.sender_id)
            return
        self.live.keep(tracker, (cached.total, cached.last_id))

    def fingerprint(self, session: Any, sender_id: str) -> Tuple[int, Optional[int]]:
        """How many rows the conversation has in the table, and their highest id."""
        event = self.SQLEvent
        total, last_id = (
            session.query(sa.func.count(event.id), sa.func.max(event.id))
            .filter(event.sender_id == sender_id)
            .one()
        )
        return int(total), last_id

    def remember_written(
        self, sender_id: str, rows: List[Dict[str, Any]], total: int, last_id: Optional[int]
    ) -> None:
        """Add the rows just written to the cached session, if the table holds nothing else new.

        ``total`` and ``last_id`` were read after the insert, in its transaction.
        """
        cached = self.sessions.get(sender_id) or CachedSession(total=0, last_id=0)
        written = [
            CachedRow.from_row(row["type_name"], row["timestamp"], row["data"]) for row in rows
        ]
        if last_id is None or total != cached.total + len(written):
            self.sessions.forget(sender_id)
            return
        self.sessions.put(sender_id, cached.extended(total, last_id, written))

    def read_session(self, session: Any, sender_id: str) -> List[Dict[str, Any]]:
        """The events of the conversation's latest session, as Rasa's query returns them."""
        return [row.event() for row in self.read_session_rows(session, sender_id)]

    def read_session_rows(self, session: Any, sender_id: str) -> List[CachedRow]:
        """The rows of the conversation's latest session, as Rasa's query returns them.

        Only the rows written since the cached session when the table holds
        exactly those and the cached ones; the whole session otherwise.
        """
        cached = self.sessions.get(sender_id)
        if cached is not None:
            newer = self.read_newer_rows(session, sender_id, cached)
            if newer is not None:
                self.sessions.put(sender_id, newer)
                return list(newer.rows)
        event = self.SQLEvent
        total = session.query(sa.func.count(event.id)).filter(event.sender_id == sender_id)
        last_id = session.query(sa.func.max(event.id)).filter(event.sender_id == sender_id)
        query = self._event_query(session, sender_id, False).with_entities(
            event.type_name,
            event.timestamp,
            event.data,
            total.scalar_subquery().label("total"),
            last_id.scalar_subquery().label("last_id"),
        )
        rows = query.all()
        if not rows:
            self.sessions.forget(sender_id)
            return []
        read = CachedSession(
            total=int(rows[0].total),
            last_id=rows[0].last_id,
            rows=[CachedRow.from_row(row.type_name, row.timestamp, row.data) for row in rows],
        )
        self.sessions.put(sender_id, read)
        return list(read.rows)

    def read_newer_rows(
        self, session: Any, sender_id: str, cached: CachedSession
    ) -> Optional[CachedSession]:
        """The cached session and the rows written after it; None if the table changed otherwise.

        One statement reads the conversation's row count, its highest id and
        the rows above the cached highest id, so they describe one state of the table.
        """
        event = self.SQLEvent
        counts = (
            session.query(
                sa.func.count(event.id).label("total"), sa.func.max(event.id).label("last_id")
            )
            .filter(event.sender_id == sender_id)
            .subquery()
        )
        query = (
            session.query(
                counts.c.total,
                counts.c.last_id,
                event.id,
                event.type_name,
                event.timestamp,
                event.data,
            )
            .select_from(counts)
            .outerjoin(event, sa.and_(event.sender_id == sender_id, event.id > cached.last_id))
            .order_by(event.id)
        )
        rows = [row for row in query.all()]
        new_rows = [row for row in rows if row.id is not None]
        head = rows[0]
        if not consistent(cached, int(head.total), head.last_id, [row.id for row in new_rows]):
            return None
        if not new_rows:
            return cached
        return cached.extended(
            int(head.total),
            head.last_id,
            (CachedRow.from_row(row.type_name, row.timestamp, row.data) for row in new_rows),
        )

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        """Read the conversation on the store's threads (:meth:`read_tracker`)."""
        return await self.threads.run(self.read_tracker, sender_id, fetch_events_from_all_sessions)

    def read_tracker(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        """Read the conversation; during an outage, from memory and the journal (blocking)."""
        self.replay_if_due()
        rows: Optional[List[CachedRow]] = None
        try:
            self.replay_conversation(sender_id)
            with self.session_scope() as session:
                if fetch_events_from_all_sessions:
                    query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
                    events = [json.loads(row.data) for row in query.all()]
                else:
                    rows = self.read_session_rows(session, sender_id)
                    live = self.live_tracker(sender_id, len(rows))
                    if live is not None:
                        health.mark_available(health.POSTGRESQL)
                        return live
                    events = [row.event() for row in rows]
            health.mark_available(health.POSTGRESQL)
            if not fetch_events_from_all_sessions:
                self.known.replace(sender_id, events)
        except DATABASE_OUTAGE_ERRORS as error:
            health.mark_unavailable(health.POSTGRESQL, error)
            rows = None
            events = self.known.events(sender_id) + [
                item.data for item in self.pending_events(sender_id)
            ]
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if rows is not None:
            # Lets bot.speedups.past_states resume the states built at the last message.
            mark_stored(tracker.events, rows)
        self.known.handed_out(tracker)
        return tracker

    def live_tracker(self, sender_id: str, session_events: int) -> Optional[DialogueStateTracker]:
        """The tracker saved at the conversation's last message, if the table is as it left it."""
        cached = self.sessions.get(sender_id)
        if cached is None or self.known.count(sender_id) != session_events:
            self.live.forget(sender_id)
            return None
        tracker = self.live.take(sender_id, (cached.total, cached.last_id), session_events)
        if tracker is not None:
            self.known.handed_out(tracker)
        return tracker

    def pending_events(self, sender_id: str) -> List[JournalledEvent]:
        """The conversation's journalled events (a journal failure is a retryable refusal)."""
        try:
            return self.journal.pending_events(sender_id)
        except JournalError as error:
            raise StorageUnavailable(health.POSTGRESQL) from error

    def replay_conversation(self, sender_id: str) -> None:
        """Write the conversation's journalled events to the database first, if any."""
        if not self.pending_events(sender_id):
            return
        replay_conversation(self.journal, self.engine, sender_id)
        # The database now holds more than the events this process knew of.
        self.known.forget(sender_id)

    def replay_if_due(self) -> None:
        """Replay the whole journal if it has rows and the last try is long enough ago."""
        if not self.replay_gate.due():
            return
        try:
            if self.journal.pending_count() == 0:
                return
            result = replay_journal(self.journal, self.engine)
            for sender_id in result.conversation_ids:
                self.known.forget(sender_id)
            deliver_queued_handoffs(self.journal, self.database_url)
            health.mark_available(health.POSTGRESQL)
        except DATABASE_OUTAGE_ERRORS as error:
            health.mark_unavailable(health.POSTGRESQL, error)
        except (JournalError, sqlite3.Error):
            logger.exception("tracker_store.journal_unreadable")

    def start_replay_thread(self) -> None:
        """Replay in the background until the journal is empty, if no thread does already.

        Without it, a journal would wait for the next message after the
        database's return; the thread runs only while the journal has rows.
        """
        with self.replay_thread_guard:
            if self.replay_thread is not None and self.replay_thread.is_alive():
                return
            self.replay_thread = threading.Thread(
                target=self.replay_until_empty, name="journal-replay", daemon=True
            )
            self.replay_thread.start()

    def replay_until_empty(self) -> None:
        """Try a replay every ``REPLAY_INTERVAL_SECONDS`` until nothing waits in the journal."""
        while True:
            time.sleep(REPLAY_INTERVAL_SECONDS)
            self.replay_if_due()
            try:
                if self.journal.pending_count() == 0:
                    return
            except (JournalError, sqlite3.Error):
                logger.exception("tracker_store.journal_unreadable")


def engine_options(url: str) -> Dict[str, Any]:
    """Rasa's engine options, plus a connect timeout on PostgreSQL.

    Without it, a database that drops packets (rather than refusing) would
    hold each turn for the system's TCP timeout before it is journalled.
    """
    options = create_engine_kwargs(url)
    if make_url(url).get_backend_name() == "postgresql":
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        options["connect_args"] = connect_args
    return options


def events_after(tracker: DialogueStateTracker, stored: int) -> List[Event]:
    """The tracker's events after the first ``stored`` ones (those already kept)."""
    return list(tracker.events)[stored:]


def stored_differently(events: List[Dict[str, Any]], rows: List[Dict[str, Any]]) -> bool:
    """Whether any row stores other JSON than its event's (masking changed a string).

    Both are compared as JSON text, so tuples stored as lists do not count.
    """
    try:
        return any(json.dumps(data) != row["data"] for data, row in zip(events, rows, strict=True))
    except (TypeError, ValueError):
        return True


def stored_event_data(data: Dict[str, Any]) -> Dict[str, Any]:
    """The form of a serialised Rasa event that may be stored.

    Every string in the event, at any depth, is masked with
    :func:`bot.privacy.mask_nested`: texts, slot values, entity values,
    ``parse_data``, channel metadata, bot messages' data, action fields.
    Values of :data:`SENSITIVE_SLOTS` are first reduced to the display form of
    the number. Nothing is exempt: even a message id that happens to hold a
    run of ten digits is masked.

    Args:
        data: ``event.as_dict()``.

    Returns:
        A masked copy; ``data`` itself is not changed.
    """
    if data.get("event") == "slot" and data.get("name") in SENSITIVE_SLOTS and data.get("value"):
        value = str(data["value"])
        data = dict(data, value=mask_phone_for_display(value) if value.startswith("+") else "•••")
    return mask_nested(data)
