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
"""

from __future__ import annotations

import copy
import operator
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import rasa.shared.core.constants
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

RASA_PAST_STATES = DialogueStateTracker.past_states
CACHE_ATTRIBUTE = "_clinic_past_states"


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
            self.last_ml_action_sub_state = last_ml
            self.turn_was_hidden = hidden
        return state

    def extend(self, applied: List[Event]) -> None:
        """Replay the applied events after ``self.events``."""
        tracker = self.tracker
        for event in applied[len(self.events) :]:
            if isinstance(event, ActionExecuted):
                self.state(tracker, event.hide_rule_turn, commit=True)
            tracker.update(event)
            self.events.append(event)

    def all_states(self) -> List[State]:
        """The states Rasa's ``states_for_tracker_history`` returns, as new dicts."""
        final = self.state(self.tracker, False, commit=False)
        return copy_states(self.states if final is None else [*self.states, final])


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


_GUARD = threading.Lock()


def past_states(
    self: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[str, Any]] = None,
) -> List[State]:
    """``DialogueStateTracker.past_states``, continuing this tracker's earlier replay."""
    applied = self.applied_events()
    with _GUARD:
        replays: List[StateReplay] = self.__dict__.setdefault(CACHE_ATTRIBUTE, [])
        replay = next(
            (
                found
                for found in replays
                if found.matches(domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
            ),
            None,
        )
        if replay is None or not replay.continues(applied):
            if replay is not None:
                replays.remove(replay)
            replay = StateReplay(
                domain,
                omit_unset_slots,
                ignore_rule_only_turns,
                copy.deepcopy(rule_only_data),
                self.init_copy(),
            )
            replays.append(replay)
        replay.extend(applied)
        return replay.all_states()


def install() -> None:
    """Replace Rasa's method (idempotent)."""
    DialogueStateTracker.past_states = past_states  # type: ignore[method-assign]
