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
from typing import Any, Dict, List, Optional

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
from bot.storage.handoff_outbox import deliver_queued_handoffs
from bot.storage.journal import Journal, JournalError, JournalledEvent, journal_path
from bot.storage.known_conversations import KnownConversations
from bot.storage.replay import ReplayGate, event_row, replay_conversation, replay_journal

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
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        # Check connections before use, so a restarted database costs no failed turn.
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **engine_options(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.database_url = url
        self.journal = Journal(Path(journal_file) if journal_file else journal_path(url))
        self.known = KnownConversations()
        self.replay_gate = ReplayGate(REPLAY_INTERVAL_SECONDS)
        self.replay_thread: Optional[threading.Thread] = None
        self.replay_thread_guard = threading.Lock()

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, masked; journal them if the database fails.

        Raises:
            StorageUnavailable: Neither the database nor the journal could
                take the events: the message must not be acknowledged.
        """
        await self.stream_events(tracker)
        self.replay_if_due()
        sender = tracker.sender_id
        stored = self.known.stored_count(tracker)
        try:
            self.replay_conversation(sender)
            with self.session_scope() as session:
                if stored is None:
                    unsaved = list(self._additional_events(session, tracker))
                    stored = len(tracker.events) - len(unsaved)
                new_events = [stored_event_data(e.as_dict()) for e in events_after(tracker, stored)]
                for data in new_events:
                    session.add(self.sql_event(sender, data))
                session.commit()
            health.mark_available(health.POSTGRESQL)
            self.known.add(sender, stored, new_events)
        except DATABASE_OUTAGE_ERRORS as error:
            health.mark_unavailable(health.POSTGRESQL, error)
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

    def sql_event(self, sender_id: str, data: Dict[str, Any]) -> Any:
        """The ``events`` row of one stored (masked) event."""
        return self.SQLEvent(**event_row(sender_id, data))

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        """Read the conversation; during an outage, from memory and the journal."""
        self.replay_if_due()
        try:
            self.replay_conversation(sender_id)
            with self.session_scope() as session:
                query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
                rows = query.all()
                events = [json.loads(row.data) for row in rows]
            health.mark_available(health.POSTGRESQL)
            if not fetch_events_from_all_sessions:
                self.known.replace(sender_id, events)
        except DATABASE_OUTAGE_ERRORS as error:
            health.mark_unavailable(health.POSTGRESQL, error)
            events = self.known.events(sender_id) + [
                item.data for item in self.pending_events(sender_id)
            ]
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
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
