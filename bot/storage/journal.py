"""A durable local journal of what could not be written to the database.

When PostgreSQL cannot be written, the tracker store appends the turn's new
events here before it acknowledges the message, and the action server queues
here the staff handoffs it could not open (the *outbox*). The journal is a
SQLite file (``STORAGE_JOURNAL_PATH``, default ``var/journal-<digest>.db``,
one per database: see :func:`journal_path`) created
with mode 0600, written with ``PRAGMA synchronous=FULL`` so that a committed
row survives a crash or a power cut. Events are stored masked, exactly as
the tracker store would have stored them in PostgreSQL.

Rows keep their order in an ``AUTOINCREMENT`` id, never reused even after
rows are deleted; with the journal's own random ``instance`` id this names
each row uniquely for ever, which is what makes the replay idempotent
(:mod:`bot.storage.replay`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence

from sqlalchemy.engine import make_url

from bot.settings import PROJECT_ROOT

JOURNAL_FILE_MODE = 0o600
JOURNAL_FOLDER = "var"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS journal_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS journal_events ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " conversation_id TEXT NOT NULL,"
    " data TEXT NOT NULL,"
    " journalled_at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS journal_events_conversation"
    " ON journal_events (conversation_id, id)",
    "CREATE TABLE IF NOT EXISTS journal_outbox ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " kind TEXT NOT NULL,"
    " payload TEXT NOT NULL,"
    " queued_at REAL NOT NULL)",
)


class JournalError(RuntimeError):
    """The journal itself cannot be written or read (disk full, permissions...)."""


def journal_error(doing: str, error: BaseException) -> JournalError:
    """A :class:`JournalError` naming what failed and the error's class (never its text)."""
    return JournalError(f"cannot {doing} the storage journal: {type(error).__name__}")


@dataclass(frozen=True)
class JournalledEvent:
    """One journalled event: its row id (the order), conversation and masked event dict."""

    row_id: int
    conversation_id: str
    data: Dict[str, Any]


@dataclass(frozen=True)
class OutboxItem:
    """One queued write for the clinic's tables: its kind (e.g. ``handoff``) and payload."""

    row_id: int
    kind: str
    payload: Dict[str, Any]


def journal_path(
    database_url: str, environ: Mapping[str, str] = os.environ, root: Path = PROJECT_ROOT
) -> Path:
    """Where the journal of ``database_url`` is kept.

    ``STORAGE_JOURNAL_PATH`` when set (relative paths are resolved against the
    project root); else ``var/journal-<digest>.db``, one file per database
    (digest of its URL without the password), so a journal is never replayed
    into another database than the one it stands in for.
    """
    configured = environ.get("STORAGE_JOURNAL_PATH", "").strip()
    if configured:
        path = Path(configured)
        return path if path.is_absolute() else root / path
    identity = make_url(database_url).render_as_string(hide_password=True)
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:12]
    return root / JOURNAL_FOLDER / f"journal-{digest}.db"


@functools.lru_cache(maxsize=8)
def shared_journal(path: Path) -> Journal:
    """One :class:`Journal` per file for this process (opened on first use)."""
    return Journal(path)


def journal_for(database_url: str) -> Journal:
    """This process's journal of ``database_url`` (see :func:`journal_path`)."""
    return shared_journal(journal_path(database_url))


def create_private_file(path: Path) -> None:
    """Create ``path`` (and its folder) readable by its owner only; narrow an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, JOURNAL_FILE_MODE)
    try:
        os.fchmod(descriptor, JOURNAL_FILE_MODE)
    finally:
        os.close(descriptor)


class Journal:
    """The journal file: append, read and forget events and outbox items.

    Safe to share between threads of a process (one connection per call) and
    between processes on the same host (SQLite's file locks).
    """

    def __init__(self, path: Path, busy_timeout_seconds: float = 5.0) -> None:
        """The journal at ``path``; the file is created on the first write, not before.

        Most processes never need their journal: no empty file is left behind.
        """
        self.path = Path(path)
        self.busy_timeout_seconds = busy_timeout_seconds
        self._instance: Optional[str] = None
        self._created = False
        self._guard = threading.Lock()
        if self.path.exists():
            self._create()

    def _create(self) -> None:
        """Create the file (mode 0600) and its tables if needed."""
        if self._created:
            return
        try:
            create_private_file(self.path)
            with self._connection() as connection:
                for statement in _SCHEMA:
                    connection.execute(statement)
                connection.execute(
                    "INSERT OR IGNORE INTO journal_meta (key, value) VALUES ('instance', ?)",
                    (uuid.uuid4().hex,),
                )
        except (sqlite3.Error, OSError) as error:
            raise journal_error("open", error) from error
        self._created = True

    def _exists(self) -> bool:
        """Whether the file exists (this or another process wrote to it); readies it if so."""
        if not self._created and self.path.exists():
            self._create()
        return self._created

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction, committed on success, fsynced (synchronous=FULL)."""
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout_seconds)
        try:
            connection.execute("PRAGMA synchronous=FULL")
            with connection:
                yield connection
        finally:
            connection.close()

    def synchronous_setting(self) -> int:
        """The ``synchronous`` setting of the journal's connections (2 is FULL)."""
        self._create()
        with self._connection() as connection:
            return int(connection.execute("PRAGMA synchronous").fetchone()[0])

    @property
    def instance(self) -> str:
        """The journal file's random id, part of every replay key."""
        if self._instance is None:
            self._create()
            with self._connection() as connection:
                row = connection.execute(
                    "SELECT value FROM journal_meta WHERE key = 'instance'"
                ).fetchone()
            self._instance = str(row[0])
        return self._instance

    def append_events(self, conversation_id: str, events: Sequence[Dict[str, Any]]) -> None:
        """Append a conversation's new events, in order, durably (one transaction).

        Raises:
            JournalError: The events could not be written.
        """
        if not events:
            return
        now = time.time()
        rows = [(conversation_id, json.dumps(data), now) for data in events]
        self._create()
        try:
            with self._guard, self._connection() as connection:
                connection.executemany(
                    "INSERT INTO journal_events (conversation_id, data, journalled_at)"
                    " VALUES (?, ?, ?)",
                    rows,
                )
        except sqlite3.Error as error:
            raise journal_error("write", error) from error

    def pending_events(self, conversation_id: Optional[str] = None) -> List[JournalledEvent]:
        """Journalled events not yet replayed, oldest first (of one conversation, or all)."""
        if not self._exists():
            return []
        query = "SELECT id, conversation_id, data FROM journal_events"
        parameters: tuple = ()
        if conversation_id is not None:
            query += " WHERE conversation_id = ?"
            parameters = (conversation_id,)
        try:
            with self._connection() as connection:
                rows = connection.execute(query + " ORDER BY id", parameters).fetchall()
        except sqlite3.Error as error:
            raise journal_error("read", error) from error
        return [JournalledEvent(row[0], row[1], json.loads(row[2])) for row in rows]

    def pending_conversations(self) -> List[str]:
        """Conversations with journalled events, in the order of their oldest event."""
        if not self._exists():
            return []
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT conversation_id FROM journal_events"
                " GROUP BY conversation_id ORDER BY MIN(id)"
            ).fetchall()
        return [row[0] for row in rows]

    def pending_count(self) -> int:
        """How many events and outbox items wait to be replayed."""
        if not self._exists():
            return 0
        with self._connection() as connection:
            events = connection.execute("SELECT COUNT(*) FROM journal_events").fetchone()[0]
            items = connection.execute("SELECT COUNT(*) FROM journal_outbox").fetchone()[0]
        return int(events) + int(items)

    def forget_events(self, row_ids: Sequence[int]) -> None:
        """Remove replayed events."""
        with self._guard, self._connection() as connection:
            connection.executemany(
                "DELETE FROM journal_events WHERE id = ?", [(row_id,) for row_id in row_ids]
            )

    def queue(self, kind: str, payload: Dict[str, Any]) -> None:
        """Queue a write for the clinic's tables, durably.

        Raises:
            JournalError: The item could not be written.
        """
        self._create()
        try:
            with self._guard, self._connection() as connection:
                connection.execute(
                    "INSERT INTO journal_outbox (kind, payload, queued_at) VALUES (?, ?, ?)",
                    (kind, json.dumps(payload), time.time()),
                )
        except sqlite3.Error as error:
            raise journal_error("write", error) from error

    def queued(self, kind: str) -> List[OutboxItem]:
        """Queued items of ``kind``, oldest first."""
        if not self._exists():
            return []
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT id, kind, payload FROM journal_outbox WHERE kind = ? ORDER BY id", (kind,)
            ).fetchall()
        return [OutboxItem(row[0], row[1], json.loads(row[2])) for row in rows]

    def forget_queued(self, row_id: int) -> None:
        """Remove a delivered outbox item."""
        with self._guard, self._connection() as connection:
            connection.execute("DELETE FROM journal_outbox WHERE id = ?", (row_id,))
