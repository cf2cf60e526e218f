"""How far a tracker's events have been followed, for work continued event by event.

Rasa's trackers only ever append events, or replace the whole container. A
speedup that keeps a result for a tracker's first events (the copy base of
:mod:`bot.speedups.tracker_copy`, the applied events of
:mod:`bot.speedups.applied_events`) continues it when the tracker still holds
the same container, starting with the very events followed (the first and the
last compared by identity); anything else starts over.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, List, Optional

from rasa.shared.core.events import Event


@dataclass
class EventsSeen:
    """A tracker's event container and the first ``count`` of its events, already followed."""

    events: Any
    count: int
    first: Optional[Event]
    last: Optional[Event]

    @classmethod
    def all_of(cls, events: Any) -> EventsSeen:
        """Every event the container holds now."""
        return cls(
            events, len(events), events[0] if events else None, events[-1] if events else None
        )

    def continued_by(self, events: Any) -> bool:
        """Whether ``events`` is the same container, still starting with the events followed."""
        if events is not self.events or len(events) < self.count:
            return False
        return self.count == 0 or (events[0] is self.first and events[self.count - 1] is self.last)

    def new_events(self) -> List[Event]:
        """The container's events after those followed."""
        return list(itertools.islice(self.events, self.count, None))

    def catch_up(self) -> None:
        """Count every event the container holds now as followed."""
        events = self.events
        if len(events) > self.count:
            self.count, self.last = len(events), events[-1]
            if self.first is None:
                self.first = events[0]
