"""Work out a tracker's applied events from the events added since the last time.

Rasa 3.6's ``DialogueStateTracker.applied_events`` walks every event of the
session each time it is called, and the processor calls it many times per
message: twice to check whether the session has expired (once directly,
once through ``get_last_event_for``), and again for the policies' states
after every action. Late in a 150-message conversation these walks were
about 6% of the Rasa server's busy time (py-spy, 2026-12-04), growing with
the conversation.

Rasa's walk is a fold over the events: each event appends itself to the
applied list or removes earlier entries from it (a restart or new session
empties it, a rewind removes the last user turn, an undo the last action, a
loop's repeated execution the loop's previous turn). The only input besides
the list is the set of loop names of all the events. So this override keeps,
on the tracker, the list after the events seen so far, with that set, and
folds in only the events added since, with Rasa's own steps
(:func:`apply_step` is Rasa's loop body). It starts over from the first
event, as Rasa does, when the tracker holds another event container, no
longer starts with the events folded (the first and the last compared by
identity), or a new event activates a loop not seen before (that changes how
the earlier events fold). Each call returns a new list, as Rasa's does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, FrozenSet, List, Optional

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.speedups.events_seen import EventsSeen

RASA_APPLIED_EVENTS = DialogueStateTracker.applied_events
FOLD_ATTRIBUTE = "_clinic_applied_fold"


@dataclass
class AppliedFold:
    """Rasa's applied events after the tracker's events ``seen``."""

    seen: EventsSeen
    loop_names: FrozenSet[str]
    applied: List[Event]


def loop_names(events: Any) -> FrozenSet[str]:
    """The names of the loops the events activate."""
    return frozenset(event.name for event in events if isinstance(event, ActiveLoop) and event.name)


def apply_step(
    tracker: DialogueStateTracker, event: Event, applied: List[Event], loops: FrozenSet[str]
) -> List[Event]:
    """One step of Rasa's ``applied_events``: the list after ``event`` (changed in place or new)."""
    if isinstance(event, Restarted | SessionStarted):
        return []
    if isinstance(event, ActionReverted):
        tracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        tracker._undo_till_previous(UserUttered, applied)
        tracker._undo_till_previous(ActionExecuted, applied)
    elif (
        isinstance(event, ActionExecuted)
        and event.action_name in loops
        and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
    ):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)
    return applied


def fold(
    tracker: DialogueStateTracker, events: Any, applied: List[Event], loops: FrozenSet[str]
) -> List[Event]:
    """``applied`` after each of ``events`` in turn."""
    for event in events:
        applied = apply_step(tracker, event, applied, loops)
    return applied


def applied_events(self: DialogueStateTracker) -> List[Event]:
    """``DialogueStateTracker.applied_events``, folding in only the events added since last time."""
    if type(self) is not DialogueStateTracker:
        return RASA_APPLIED_EVENTS(self)
    events = self.events
    kept: Optional[AppliedFold] = self.__dict__.get(FOLD_ATTRIBUTE)
    if kept is not None and kept.seen.continued_by(events):
        new = kept.seen.new_events()
        if loop_names(new) <= kept.loop_names:
            kept.applied = fold(self, new, kept.applied, kept.loop_names)
            kept.seen.catch_up()
            return list(kept.applied)
    loops = loop_names(events)
    applied = fold(self, events, [], loops)
    self.__dict__[FOLD_ATTRIBUTE] = AppliedFold(EventsSeen.all_of(events), loops, applied)
    return list(applied)


def install() -> None:
    """Replace Rasa's method (idempotent)."""
    DialogueStateTracker.applied_events = applied_events
