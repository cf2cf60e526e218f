"""Extend a tracker's dialogue states as events arrive, instead of rebuilding them all.

Rasa 3.6's ``DialogueStateTracker.past_states`` (``Domain.states_for_tracker_history``)
replays every applied event of the session into a fresh tracker and builds
the state before each action, for every policy, for every prediction: several
times per message (RulePolicy twice, MemoizationPolicy once, per prediction
of the action loop), each time over the whole conversation. Late in a long
conversation that was 22% of the Rasa server's time (py-spy, 2026-12-04).

This override keeps, on the tracker object and per set of arguments (domain,
``omit_unset_slots``, ``ignore_rule_only_turns``, ``rule_only_data``), the
replay Rasa does: the applied events already replayed, the tracker they were
replayed into, the states built so far and the two loop variables of Rasa's
``ignore_rule_only_turns`` branch. When the tracker's applied events still
start with the very same event objects (checked by identity), only the new
events are replayed; anything else (a rewind, a restart, a new session, a
loop's undone turns, events dropped by ``max_event_history``) starts over
exactly as Rasa does. The states are the ones Rasa's code builds, step by
step, from the same events, and every call returns new dicts (the callers
edit the last state in place), sharing sub-dicts between states where Rasa's
own list shares them.

A tracker lives for one message: the next message gets a new tracker read
from the database. So that the replay need not start over then, the replay
is also kept per conversation (:class:`ReplaySnapshots`), paused where the
tracker's events read from the database end; the tracker store marks each of
those events with its stored row (``bot.storage.session_cache.stored_row``).
A new tracker resumes a copy of that replay when its applied events start
with events stored as exactly the same rows (compared as bytes); the events
the last message added are then replayed from their stored form, as Rasa
would. One quirk of Rasa's is kept: ``DefinePrevUserUtteredFeaturization`` and
``EntitiesAdded`` edit the latest user message in place, which changes the
states Rasa rebuilds before later actions; such an event arriving after a
state was built from that message starts the replay over.
"""

from __future__ import annotations

import copy
import dataclasses
import operator
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import rasa.shared.core.constants
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.session_cache import stored_row

RASA_PAST_STATES = DialogueStateTracker.past_states
CACHE_ATTRIBUTE = "_clinic_past_states"
APPLIED_ATTRIBUTE = "_clinic_applied_events"
# Events that edit the latest user message in place when they are applied.
EDITS_USER_MESSAGE = (DefinePrevUserUtteredFeaturization, EntitiesAdded)
DEFAULT_MAX_CONVERSATIONS = 1000
DEFAULT_MAX_STATES = 300_000


class StartOverError(Exception):
    """The replay cannot go on as Rasa's would: it must start from the first event."""


@dataclass
class StateReplay:
    """Rasa's replay of one tracker's applied events, paused after ``events``.

    Attributes:
        domain: The domain the states were built with (compared by identity).
        omit_unset_slots: Rasa's argument of the same name.
        ignore_rule_only_turns: Rasa's argument of the same name.
        rule_only_data: Rasa's argument of the same name (compared by value).
        tracker: The tracker the events were replayed into.
        events: The applied events replayed so far.
        states: The state before each ``ActionExecuted`` among ``events``.
        last_ml_action_sub_state: Rasa's loop variable of the same name.
        turn_was_hidden: Rasa's loop variable of the same name.
        built_from_user_message: A state was kept since the latest user message
            was applied.
        stored: The stored rows of ``events`` while every one came from the
            database; None after the first event that did not.
    """

    domain: Domain
    omit_unset_slots: bool
    ignore_rule_only_turns: bool
    rule_only_data: Optional[Dict[str, Any]]
    tracker: DialogueStateTracker
    events: List[Event] = field(default_factory=list)
    states: List[State] = field(default_factory=list)
    last_ml_action_sub_state: Optional[Dict[str, Any]] = None
    turn_was_hidden: bool = False
    built_from_user_message: bool = False
    stored: Optional[List[bytes]] = field(default_factory=list)

    def matches(
        self,
        domain: Domain,
        omit_unset_slots: bool,
        ignore_rule_only_turns: bool,
        rule_only_data: Optional[Dict[str, Any]],
    ) -> bool:
        """Whether this replay was made with these arguments."""
        return (
            self.domain is domain
            and self.omit_unset_slots == omit_unset_slots
            and self.ignore_rule_only_turns == ignore_rule_only_turns
            and self.rule_only_data == rule_only_data
        )

    def continues(self, applied: List[Event]) -> bool:
        """Whether ``applied`` starts with the very event objects replayed so far."""
        done = len(self.events)
        return len(applied) >= done and all(map(operator.is_, self.events, applied[:done]))

    def state(
        self, tracker: DialogueStateTracker, hide_rule_turn: bool, commit: bool
    ) -> Optional[State]:
        """One step of Rasa's ``states_for_tracker_history`` loop, for ``tracker`` as it is now.

        Args:
            tracker: The replayed tracker, before the next action (or at the end).
            hide_rule_turn: The flag Rasa's ``generate_all_prior_trackers`` yields.
            commit: Keep the step (an action follows); otherwise it is the
                final state, built without changing the replay.

        Returns:
            The state, or None when Rasa skips the turn (hidden rule turn).
        """
        domain = self.domain
        last_ml = self.last_ml_action_sub_state
        hidden = self.turn_was_hidden
        state: Optional[State] = None
        if self.ignore_rule_only_turns:
            if not hidden:
                last_ml = domain._get_prev_action_sub_state(tracker)
            if (
                not tracker.followup_action
                and tracker.latest_action_name != tracker.active_loop_name
            ):
                hidden = hide_rule_turn
        if not (self.ignore_rule_only_turns and hidden):
            state = domain.get_active_state(tracker, omit_unset_slots=self.omit_unset_slots)
            if self.ignore_rule_only_turns:
                domain._remove_rule_only_features(state, self.rule_only_data)
                if self.states:
                    domain._substitute_rule_only_user_input(state, self.states[-1])
                if last_ml:
                    state[rasa.shared.core.constants.PREVIOUS_ACTION] = last_ml
            state = domain._clean_state(state)
        if commit:
            if state is not None:
                self.states.append(state)
                self.built_from_user_message = True
            self.last_ml_action_sub_state = last_ml
            self.turn_was_hidden = hidden
        return state

    def extend(self, applied: List[Event], snapshots: Optional[ReplaySnapshots] = None) -> None:
        """Replay the applied events after ``self.events``.

        Args:
            applied: The tracker's applied events.
            snapshots: Where to leave a copy of the replay when it reaches the
                first event that was not read from the database.

        Raises:
            StartOverError: An event edits a user message that a state kept by an
                earlier call was built from (Rasa's replay would build that
                state again from the edited message).
        """
        tracker = self.tracker
        built_earlier = self.built_from_user_message
        for event in applied[len(self.events) :]:
            row = stored_row(event)
            if self.stored is not None and row is None:
                if self.stored and snapshots is not None:
                    snapshots.put(tracker.sender_id, self.snapshot())
                self.stored = None
            if (
                isinstance(event, EDITS_USER_MESSAGE)
                and built_earlier
                and tracker.latest_action_name == ACTION_LISTEN_NAME
                and tracker.latest_message
            ):
                raise StartOverError()
            if isinstance(event, ActionExecuted):
                self.state(tracker, event.hide_rule_turn, commit=True)
            tracker.update(event)
            if isinstance(event, UserUttered):
                self.built_from_user_message = built_earlier = False
            self.events.append(event)
            if self.stored is not None and row is not None:
                self.stored.append(row)

    def snapshot(self) -> StateReplay:
        """A copy that replaying more events into either leaves the other as it is."""
        return dataclasses.replace(
            self,
            tracker=copy_replay_tracker(self.tracker),
            events=[],
            states=list(self.states),
            stored=list(self.stored) if self.stored is not None else None,
        )

    def resumes(self, applied: List[Event]) -> bool:
        """Whether ``applied`` starts with events stored as this replay's rows."""
        if self.stored is None or len(applied) < len(self.stored):
            return False
        return all(map(operator.eq, self.stored, map(stored_row, applied[: len(self.stored)])))

    def all_states(self) -> List[State]:
        """The states Rasa's ``states_for_tracker_history`` returns, as new dicts."""
        final = self.state(self.tracker, False, commit=False)
        return copy_states(self.states if final is None else [*self.states, final])


def copy_replay_tracker(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A copy of a replay's tracker: what applying events changes in place is copied.

    The events list starts empty: applying an applied event never reads it
    (only the events that ``applied_events`` leaves out do).
    """
    new = copy.copy(tracker)
    new.events = tracker._create_events([])
    new.slots = {name: copy.copy(slot) for name, slot in tracker.slots.items()}
    if tracker.active_loop is not None:
        new.active_loop = dataclasses.replace(tracker.active_loop)
    if tracker.latest_message is not None:
        new.latest_message = copy.copy(tracker.latest_message)
        new.latest_message.entities = list(tracker.latest_message.entities)
    return new


def copy_states(states: List[State]) -> List[State]:
    """New state and sub-state dicts, shared between states where the originals are."""
    copies: Dict[int, Any] = {}
    result: List[State] = []
    for state in states:
        new: State = {}
        for key, sub_state in state.items():
            copied = copies.get(id(sub_state))
            if copied is None:
                copied = copies[id(sub_state)] = dict(sub_state)
            new[key] = copied
        result.append(new)
    return result


class ReplaySnapshots:
    """Per conversation, replays paused where the stored events end (least recently used kept)."""

    def __init__(
        self,
        max_conversations: int = DEFAULT_MAX_CONVERSATIONS,
        max_states: int = DEFAULT_MAX_STATES,
    ) -> None:
        """Keep at most ``max_conversations`` conversations and ``max_states`` states."""
        self.max_conversations = max_conversations
        self.max_states = max_states
        self._replays: OrderedDict[str, List[StateReplay]] = OrderedDict()
        self._states = 0

    def put(self, sender_id: str, replay: StateReplay) -> None:
        """Keep the replay in place of the conversation's one made with the same arguments."""
        kept = self._replays.pop(sender_id, [])
        self._states -= sum(len(old.states) for old in kept)
        kept = [old for old in kept if not same_arguments(old, replay)]
        kept.append(replay)
        self._replays[sender_id] = kept
        self._states += sum(len(old.states) for old in kept)
        while self._replays and (
            len(self._replays) > self.max_conversations or self._states > self.max_states
        ):
            _, dropped = self._replays.popitem(last=False)
            self._states -= sum(len(old.states) for old in dropped)

    def resume(
        self, sender_id: str, applied: List[Event], arguments: Tuple[Any, ...]
    ) -> Optional[StateReplay]:
        """A copy of the conversation's replay with these arguments, if ``applied`` continues it."""
        for replay in self._replays.get(sender_id, []):
            if replay.matches(*arguments) and replay.resumes(applied):
                self._replays.move_to_end(sender_id)
                resumed = replay.snapshot()
                resumed.events = list(applied[: len(replay.stored or [])])
                return resumed
        return None

    def clear(self) -> None:
        """Forget every conversation."""
        self._replays.clear()
        self._states = 0

    def __len__(self) -> int:
        """How many conversations are kept."""
        return len(self._replays)


def same_arguments(one: StateReplay, other: StateReplay) -> bool:
    """Whether two replays were made with the same arguments."""
    return one.matches(
        other.domain, other.omit_unset_slots, other.ignore_rule_only_turns, other.rule_only_data
    )


_GUARD = threading.Lock()
SNAPSHOTS = ReplaySnapshots()


def past_states(
    self: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[str, Any]] = None,
) -> List[State]:
    """``DialogueStateTracker.past_states``, continuing this tracker's earlier replay."""
    applied = applied_events(self)
    arguments = (domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    with _GUARD:
        replays: List[StateReplay] = self.__dict__.setdefault(CACHE_ATTRIBUTE, [])
        replay = next((found for found in replays if found.matches(*arguments)), None)
        if replay is not None and not replay.continues(applied):
            replays.remove(replay)
            replay = None
        if replay is None:
            replay = SNAPSHOTS.resume(self.sender_id, applied, arguments) or new_replay(
                self, *arguments
            )
            replays.append(replay)
        try:
            replay.extend(applied, SNAPSHOTS)
        except StartOverError:
            replays.remove(replay)
            replay = new_replay(self, *arguments)
            replays.append(replay)
            replay.extend(applied, SNAPSHOTS)
        return replay.all_states()


def applied_events(tracker: DialogueStateTracker) -> List[Event]:
    """``tracker.applied_events()``, computed again only when the tracker's events changed.

    The policies ask for the states several times per prediction with no
    event added in between. The events count as unchanged when the tracker
    holds the same events container, as long, with the same first and last
    event objects (events are only ever appended, or all replaced).
    """
    events = tracker.events
    key = (id(events), len(events))
    ends = (events[0], events[-1]) if events else (None, None)
    cached = tracker.__dict__.get(APPLIED_ATTRIBUTE)
    if (
        cached is not None
        and cached[0] == key
        and cached[1][0] is ends[0]
        and cached[1][1] is ends[1]
    ):
        return cached[2]
    applied = tracker.applied_events()
    tracker.__dict__[APPLIED_ATTRIBUTE] = (key, ends, applied, events)
    return applied


def new_replay(
    tracker: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool,
    ignore_rule_only_turns: bool,
    rule_only_data: Optional[Dict[str, Any]],
) -> StateReplay:
    """A replay from the first event, as Rasa's."""
    return StateReplay(
        domain,
        omit_unset_slots,
        ignore_rule_only_turns,
        copy.deepcopy(rule_only_data),
        tracker.init_copy(),
    )


def install() -> None:
    """Replace Rasa's method (idempotent)."""
    DialogueStateTracker.past_states = past_states
