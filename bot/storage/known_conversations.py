"""What this process knows is stored of each conversation, to carry on through an outage.

:class:`KnownConversations` keeps, for a bounded number of recent
conversations, the stored (masked) events the tracker store last read from or
wrote to the database, and for each tracker it handed out how many of its
events were already stored (in the database or the journal). During an
outage the tracker store rebuilds a conversation from these events plus the
journalled ones, and journals exactly the events added since.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Tuple

from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_MAX_CONVERSATIONS = 2000


class KnownConversations:
    """A bounded, least-recently-used memory of stored events per conversation."""

    def __init__(self, max_conversations: int = DEFAULT_MAX_CONVERSATIONS) -> None:
        """Keep at most ``max_conversations`` conversations' events."""
        self.max_conversations = max_conversations
        self._events: OrderedDict[str, List[Dict[str, Any]]] = OrderedDict()
        self._handed_out: Dict[int, Tuple[weakref.ref, int]] = {}
        self._guard = threading.Lock()

    def replace(self, sender_id: str, events: List[Dict[str, Any]]) -> None:
        """The conversation's stored events, as just read from the database."""
        with self._guard:
            self._events[sender_id] = list(events)
            self._events.move_to_end(sender_id)
            while len(self._events) > self.max_conversations:
                self._events.popitem(last=False)

    def add(self, sender_id: str, stored_before: int, events: List[Dict[str, Any]]) -> None:
        """Events just written after the first ``stored_before``; forget what no longer fits."""
        with self._guard:
            known = self._events.get(sender_id)
        if known is not None and len(known) == stored_before:
            self.replace(sender_id, known + list(events))
        elif stored_before == 0:
            self.replace(sender_id, list(events))
        else:
            self.forget(sender_id)

    def events(self, sender_id: str) -> List[Dict[str, Any]]:
        """The conversation's known stored events (empty if unknown)."""
        with self._guard:
            return list(self._events.get(sender_id, []))

    def count(self, sender_id: str) -> int:
        """How many stored events of the conversation are known."""
        with self._guard:
            return len(self._events.get(sender_id, []))

    def forget(self, sender_id: str) -> None:
        """Drop the conversation (its database copy changed under us)."""
        with self._guard:
            self._events.pop(sender_id, None)

    def clear(self) -> None:
        """Drop every conversation."""
        with self._guard:
            self._events.clear()

    def handed_out(self, tracker: DialogueStateTracker) -> None:
        """Remember that all of ``tracker``'s events are stored now."""
        key = id(tracker)

        def drop(_: weakref.ref, key: int = key) -> None:
            self._handed_out.pop(key, None)

        with self._guard:
            self._handed_out[key] = (weakref.ref(tracker, drop), len(tracker.events))

    def stored_count(self, tracker: DialogueStateTracker) -> Optional[int]:
        """How many of ``tracker``'s events are stored, if this store handed it out."""
        with self._guard:
            entry = self._handed_out.get(id(tracker))
        if entry is None or entry[0]() is not tracker:
            return None
        return entry[1]
