"""Each conversation's tracker as last saved, handed back at its next message.

Rasa builds a new tracker for every message: it reads the latest session's
events, decodes each one and replays them all into a new tracker. That work
grows with the conversation, and everything kept on the tracker object (the
dialogue states, applied events and copy base that ``bot.speedups`` extends
event by event) starts over with it. In a long conversation that was most of
the difference between message 100 and message 10 (py-spy, 2026-12-04).

:class:`LiveTrackers` keeps, per conversation, the tracker object this
process last saved, with the table's fingerprint of the conversation right
after the save (row count and highest id) and its number of events. At the
next message the tracker store hands that very object back only if the
table still has exactly those rows (nothing written by another process, no
row lost), the session read has as many events as the tracker, and the
tracker has gained no event since it was saved. Anything else, and every
outage, builds the tracker from the rows as Rasa does.

A kept tracker is *taken*: it is handed to one reader only, so a tracker in
use is never handed to a second one. It comes back at its next save. At most
``max_conversations`` trackers and ``max_events`` events in all are kept
(about 1 KB each, a patient message's NLU result about 2 KB), the least
recently saved dropped first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional, Tuple

from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_MAX_CONVERSATIONS = 500
DEFAULT_MAX_EVENTS = 100_000
# The table's rows of one conversation: their number and highest id.
Fingerprint = Tuple[int, Optional[int]]


@dataclass(frozen=True)
class LiveTracker:
    """A saved tracker, and what the table and the tracker held at the save."""

    tracker: DialogueStateTracker
    fingerprint: Fingerprint
    event_count: int
    last_event: Optional[Event]

    def unchanged(self) -> bool:
        """Whether the tracker has the events it had when it was saved."""
        events = self.tracker.events
        if len(events) != self.event_count:
            return False
        return self.event_count == 0 or events[-1] is self.last_event


class LiveTrackers:
    """Saved trackers by conversation, least recently used dropped first (thread-safe)."""

    def __init__(
        self,
        max_conversations: int = DEFAULT_MAX_CONVERSATIONS,
        max_events: int = DEFAULT_MAX_EVENTS,
    ) -> None:
        """Keep at most ``max_conversations`` trackers and ``max_events`` events in all."""
        self.max_conversations = max_conversations
        self.max_events = max_events
        self._kept: OrderedDict[str, LiveTracker] = OrderedDict()
        self._events = 0
        self._guard = threading.Lock()

    def keep(self, tracker: DialogueStateTracker, fingerprint: Fingerprint) -> None:
        """Keep a tracker just saved; ``fingerprint`` is the table's right after the save."""
        events = tracker.events
        kept = LiveTracker(tracker, fingerprint, len(events), events[-1] if events else None)
        with self._guard:
            self._drop(tracker.sender_id)
            self._kept[tracker.sender_id] = kept
            self._events += kept.event_count
            while self._kept and (
                len(self._kept) > self.max_conversations or self._events > self.max_events
            ):
                self._drop(next(iter(self._kept)))

    def _drop(self, sender_id: str) -> Optional[LiveTracker]:
        """Remove a conversation's tracker (the caller holds the guard)."""
        dropped = self._kept.pop(sender_id, None)
        if dropped is not None:
            self._events -= dropped.event_count
        return dropped

    def take(
        self, sender_id: str, fingerprint: Fingerprint, session_events: int
    ) -> Optional[DialogueStateTracker]:
        """The kept tracker, if the table and the tracker are as they were at its save.

        Args:
            sender_id: The conversation.
            fingerprint: The table's fingerprint of the conversation, as just read.
            session_events: How many events the latest session has in the table.

        Returns:
            The tracker, no longer kept; None (and nothing kept) otherwise.
        """
        with self._guard:
            kept = self._drop(sender_id)
        if kept is None or kept.fingerprint != fingerprint:
            return None
        if session_events != kept.event_count or not kept.unchanged():
            return None
        return kept.tracker

    def forget(self, sender_id: str) -> None:
        """Drop the conversation's tracker."""
        with self._guard:
            self._drop(sender_id)

    def clear(self) -> None:
        """Drop every tracker."""
        with self._guard:
            self._kept.clear()
            self._events = 0

    def __len__(self) -> int:
        """How many trackers are kept."""
        with self._guard:
            return len(self._kept)
