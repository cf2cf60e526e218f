"""Copy a tracker without replaying all of its events every time.

Rasa 3.6's ``DialogueStateTracker.copy`` replays every event of the tracker
into a new one (``travel_back_in_time``), and the processor copies the
tracker before every action it runs (the "temporary tracker" of
``MessageProcessor._run_action``): three or four full replays per message.
In a 150-message conversation that was 7% of the Rasa server's busy time,
and it grows with the conversation (py-spy, 2026-12-04).

This override keeps, on the tracker, the replay Rasa's copy makes: a
tracker built by Rasa's own ``update`` from the tracker's events (the
*base*). A copy replays into the base only the events added since the last
copy, then returns a clone of the base: a new tracker with the base's
attributes, whose containers that applying events changes in place (the
event deque, the slot objects, the active loop, the latest action) are its
own. What Rasa's copy shares with the original tracker is shared the same
way: the event objects, and the latest user and bot messages when they are
events of the tracker (a message made empty by a reset is copied, as Rasa's
copy makes its own).

The base serves while the tracker holds the same event container and it
still starts with the events replayed, the first and the last compared by
identity (events are only appended, or all replaced). Anything else, a
bounded event history, or a subclass of the tracker, gets Rasa's copy, and
that copy seeds a new base. ``DialogueStateTracker.from_events`` (how the
tracker store builds each message's tracker from the database) seeds one
too, since the tracker it builds is itself a replay of its events: the first
copy of each message is then incremental as well.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from typing import Any, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from bot.speedups.events_seen import EventsSeen

RASA_COPY = DialogueStateTracker.copy
RASA_FROM_EVENTS = DialogueStateTracker.from_events.__func__
BASE_ATTRIBUTE = "_clinic_copy_base"
# Attributes this project's speedups keep on a tracker: never carried into a copy.
PRIVATE_PREFIX = "_clinic_"


@dataclass
class CopyBase:
    """Rasa's replay of the tracker's events ``seen``, kept for the next copy."""

    seen: EventsSeen
    tracker: DialogueStateTracker


def is_event_of(message: Any, events: Any) -> bool:
    """Whether ``message`` is one of ``events`` (by identity, searched from the end)."""
    return any(event is message for event in reversed(events))


def own_message(message: Any, events: Any) -> Any:
    """The latest user or bot message for a clone: shared if it is an event, else a copy."""
    if message is None or is_event_of(message, events):
        return message
    own = copy.copy(message)
    if isinstance(getattr(message, "entities", None), list):
        own.entities = list(message.entities)
    return own


def clone(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A new tracker in the same state, with its own containers that events change in place."""
    new = DialogueStateTracker.__new__(DialogueStateTracker)
    new.__dict__.update(
        (key, value)
        for key, value in tracker.__dict__.items()
        if not key.startswith(PRIVATE_PREFIX)
    )
    new.events = tracker._create_events(list(tracker.events))
    slots = type(tracker.slots)()
    for name, slot in tracker.slots.items():
        slots[name] = copy.copy(slot)
    new.slots = slots
    if tracker.active_loop is not None:
        trigger = tracker.active_loop.trigger_message
        new.active_loop = dataclasses.replace(
            tracker.active_loop, trigger_message=dict(trigger) if trigger is not None else None
        )
    if tracker.latest_action is not None:
        new.latest_action = dict(tracker.latest_action)
    new.latest_message = own_message(tracker.latest_message, tracker.events)
    new.latest_bot_utterance = own_message(tracker.latest_bot_utterance, tracker.events)
    return new


def can_keep_base(tracker: DialogueStateTracker) -> bool:
    """Whether copies of this tracker may come from a kept base (see the module's docstring)."""
    return type(tracker) is DialogueStateTracker and tracker.events.maxlen is None


def seed(tracker: DialogueStateTracker) -> None:
    """Keep a base for a tracker that was just built by replaying its events (as Rasa's copy)."""
    if not can_keep_base(tracker):
        return
    base = clone(tracker)
    # A copy's attributes are those of ``init_copy``: no source, model or assistant id.
    base.sender_source = None
    base.model_id = None
    base.assistant_id = None
    tracker.__dict__[BASE_ATTRIBUTE] = CopyBase(EventsSeen.all_of(tracker.events), base)


def tracker_copy(self: DialogueStateTracker) -> DialogueStateTracker:
    """``DialogueStateTracker.copy``, replaying only the events added since the last copy."""
    if not can_keep_base(self):
        return RASA_COPY(self)
    base: Optional[CopyBase] = self.__dict__.get(BASE_ATTRIBUTE)
    if base is None or not base.seen.continued_by(self.events):
        fresh = RASA_COPY(self)
        self.__dict__[BASE_ATTRIBUTE] = CopyBase(EventsSeen.all_of(self.events), clone(fresh))
        return fresh
    for event in base.seen.new_events():
        base.tracker.update(event)
    base.seen.catch_up()
    return clone(base.tracker)


def from_events(cls: type, *args: Any, **kwargs: Any) -> DialogueStateTracker:
    """``DialogueStateTracker.from_events``, then a base kept for the tracker's copies."""
    tracker = RASA_FROM_EVENTS(cls, *args, **kwargs)
    seed(tracker)
    return tracker


def install() -> None:
    """Replace Rasa's methods (idempotent)."""
    DialogueStateTracker.copy = tracker_copy
    DialogueStateTracker.from_events = classmethod(from_events)
