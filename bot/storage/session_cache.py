"""The rows of each conversation's latest session, kept between turns.

Rasa reads a conversation's whole latest session from the ``events`` table at
every message (every row fetched and decoded from JSON), although almost
always the only new rows since the last turn are the ones this process wrote.
In a 100-message conversation that read was 42% of the Rasa server's time
(py-spy, 2026-12-05). :class:`SessionCache` keeps, per conversation, a mirror
of what that read returns, and a fingerprint of the table's rows of the
conversation (their number and highest id). The tracker store then reads
only rows with a higher id, together with the current count, in one
statement: if the count is the cached one plus the new rows, the table lost
no row and gained no other, and the session is the cached rows plus the new
ones, cut at the latest session start exactly as Rasa's query cuts it.
Anything else (a deletion, a row written out of order by another process, a
journal replay) makes the store read the session in full, as Rasa does.

Rows are cached as ``marshal`` blobs of the decoded event: unmarshalling is
about three times faster than decoding the JSON, and every turn gets new
dicts, so nothing Rasa changes in an event reaches the cache.
"""

from __future__ import annotations

import json
import marshal
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

SESSION_STARTED = "session_started"
DEFAULT_MAX_CONVERSATIONS = 2000
DEFAULT_MAX_BYTES = 64 * 2**20


@dataclass(frozen=True)
class CachedRow:
    """One stored event: its type and timestamp columns, and the decoded data as marshal bytes."""

    type_name: Optional[str]
    timestamp: Optional[float]
    blob: bytes

    @classmethod
    def from_row(cls, type_name: Optional[str], timestamp: Optional[float], data: str) -> CachedRow:
        """The row as read from (or written to) the ``events`` table."""
        return cls(type_name, timestamp, marshal.dumps(json.loads(data)))

    def event(self) -> Dict[str, Any]:
        """A fresh copy of the event's data, as ``json.loads`` of the stored text."""
        # Bytes this process made from the table's JSON, never read from outside.
        return marshal.loads(self.blob)  # noqa: S302


@dataclass
class CachedSession:
    """What the table holds of one conversation, as of one consistent read or write.

    Attributes:
        total: How many rows the conversation has in the table.
        last_id: The highest of their ids.
        rows: The rows of the latest session (Rasa's cut), in id order.
    """

    total: int
    last_id: int
    rows: List[CachedRow] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Bytes held, roughly."""
        return sum(len(row.blob) for row in self.rows) + 64 * len(self.rows)

    def events(self) -> List[Dict[str, Any]]:
        """The session's events, new dicts every time."""
        return [row.event() for row in self.rows]

    def extended(self, total: int, last_id: int, new_rows: Iterable[CachedRow]) -> CachedSession:
        """This session plus rows written after ``last_id``, cut at the latest session start."""
        return CachedSession(total, last_id, latest_session([*self.rows, *new_rows]))


def latest_session(rows: List[CachedRow]) -> List[CachedRow]:
    """The rows Rasa's ``SQLTrackerStore._event_query`` returns of these.

    Rasa keeps the rows whose timestamp is at least the latest
    ``session_started`` timestamp (all rows when there is none; a row without
    a timestamp never passes the comparison).
    """
    starts = [
        row.timestamp
        for row in rows
        if row.type_name == SESSION_STARTED and row.timestamp is not None
    ]
    if not starts:
        return list(rows)
    start = max(starts)
    return [row for row in rows if row.timestamp is not None and row.timestamp >= start]


def consistent(
    cached: CachedSession, total: int, last_id: Optional[int], new_ids: List[int]
) -> bool:
    """Whether the table's rows are the cached ones plus exactly ``new_ids``.

    Args:
        cached: The cached fingerprint.
        total: The conversation's row count now.
        last_id: The highest id now.
        new_ids: Ids above ``cached.last_id`` now, in order.
    """
    expected_last = new_ids[-1] if new_ids else cached.last_id
    return total == cached.total + len(new_ids) and last_id == expected_last


class SessionCache:
    """A bounded, least-recently-used map of conversation id to :class:`CachedSession`."""

    def __init__(
        self, max_conversations: int = DEFAULT_MAX_CONVERSATIONS, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        """Keep at most ``max_conversations`` sessions and about ``max_bytes`` of rows."""
        self.max_conversations = max_conversations
        self.max_bytes = max_bytes
        self._sessions: OrderedDict[str, Tuple[CachedSession, int]] = OrderedDict()
        self._bytes = 0
        self._guard = threading.Lock()

    def get(self, sender_id: str) -> Optional[CachedSession]:
        """The conversation's cached session, if any."""
        with self._guard:
            entry = self._sessions.get(sender_id)
            if entry is None:
                return None
            self._sessions.move_to_end(sender_id)
            return entry[0]

    def put(self, sender_id: str, session: CachedSession) -> None:
        """Cache the session; drop the least recently used ones beyond the bounds."""
        size = session.size
        with self._guard:
            self._pop(sender_id)
            if size > self.max_bytes:
                return
            self._sessions[sender_id] = (session, size)
            self._bytes += size
            while len(self._sessions) > self.max_conversations or self._bytes > self.max_bytes:
                self._pop(next(iter(self._sessions)))

    def forget(self, sender_id: str) -> None:
        """Drop the conversation: the next read goes to the table in full."""
        with self._guard:
            self._pop(sender_id)

    def clear(self) -> None:
        """Drop every conversation."""
        with self._guard:
            self._sessions.clear()
            self._bytes = 0

    def __len__(self) -> int:
        """How many conversations are cached."""
        return len(self._sessions)

    def _pop(self, sender_id: str) -> None:
        entry = self._sessions.pop(sender_id, None)
        if entry is not None:
            self._bytes -= entry[1]


STORED_ROW_ATTRIBUTE = "_clinic_stored_row"


def mark_stored(events: Sequence[Any], rows: Sequence[CachedRow]) -> bool:
    """Mark each event read from the table with its row (``rows[i]`` made ``events[i]``).

    ``bot.speedups.past_states`` resumes the replay of a conversation's
    states when a new tracker's events are stored as the same rows.

    Returns:
        Whether they were marked (not when the counts differ: an event Rasa
        could not read leaves no way to pair them).
    """
    if len(events) != len(rows):
        return False
    for event, row in zip(events, rows, strict=True):
        setattr(event, STORED_ROW_ATTRIBUTE, row.blob)
    return True


def stored_row(event: Any) -> Optional[bytes]:
    """The stored row (as cached) the event was read from; None for an event made in memory."""
    return getattr(event, STORED_ROW_ATTRIBUTE, None)
