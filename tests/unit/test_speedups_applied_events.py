"""A tracker's applied events (bot.speedups.applied_events) are Rasa's, folded incrementally."""

from __future__ import annotations

import random
from typing import Callable, List

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.speedups import applied_events

LOOPS = ["callback_form", "handoff_form"]

# The events that change what is applied: loops run, rejected, interrupted and
# ended, rewinds and undos, restarts and new sessions, among ordinary turns.
MAKERS: List[Callable[[random.Random], Event]] = [
    lambda rng: UserUttered("question", {"name": "faq", "confidence": 1.0}),
    lambda rng: ActionExecuted("action_listen"),
    lambda rng: ActionExecuted("action_answer_faq"),
    lambda rng: BotUttered("answer"),
    lambda rng: SlotSet("language", "bn"),
    lambda rng: ActiveLoop(rng.choice(LOOPS)),
    lambda rng: ActiveLoop(None),
    lambda rng: ActionExecuted(rng.choice(LOOPS)),
    lambda rng: ActionExecutionRejected(rng.choice(LOOPS)),
    lambda rng: SlotSet("requested_slot", "phone"),
    lambda rng: DefinePrevUserUtteredFeaturization(False),
    lambda rng: UserUtteranceReverted(),
    lambda rng: ActionReverted(),
    lambda rng: Restarted(),
    lambda rng: SessionStarted(),
]
WEIGHTS = [10, 10, 6, 6, 3, 2, 2, 4, 1, 2, 1, 1, 1, 1, 1]


@pytest.fixture(autouse=True)
def rasas_methods_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DialogueStateTracker, "applied_events", applied_events.RASA_APPLIED_EVENTS)


@pytest.mark.parametrize("seed", range(60))
def test_the_applied_events_are_rasas_after_every_event(seed: int) -> None:
    rng = random.Random(seed)
    tracker = DialogueStateTracker("patient", [])
    for _ in range(150):
        tracker.events.append(rng.choices(MAKERS, WEIGHTS)[0](rng))
        if rng.random() < 0.5:
            ours = applied_events.applied_events(tracker)
            rasas = applied_events.RASA_APPLIED_EVENTS(tracker)
            assert len(ours) == len(rasas)
            assert all(a is b for a, b in zip(ours, rasas, strict=True))


def test_only_the_new_events_are_folded(monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = DialogueStateTracker("patient", [])
    tracker.events.extend(
        [ActionExecuted("action_listen"), UserUttered("hi"), ActionExecuted("action_listen")] * 30
    )
    applied_events.applied_events(tracker)
    steps: List[Event] = []
    rasa_step = applied_events.apply_step

    def counting_step(tracker, event, applied, loops):  # type: ignore[no-untyped-def]
        steps.append(event)
        return rasa_step(tracker, event, applied, loops)

    monkeypatch.setattr(applied_events, "apply_step", counting_step)
    tracker.events.append(UserUttered("and the hip?"))
    assert len(applied_events.applied_events(tracker)) == 91
    assert len(steps) == 1


def test_a_new_loop_name_or_replaced_events_start_over() -> None:
    tracker = DialogueStateTracker("patient", [])
    tracker.events.extend(
        [ActionExecuted("action_listen"), UserUttered("call me"), ActionExecuted("callback_form")]
    )
    first = applied_events.applied_events(tracker)
    assert len(first) == 3
    # A loop activated later changes how its earlier executions fold.
    tracker.events.extend([ActiveLoop("callback_form"), ActionExecuted("callback_form")])
    assert applied_events.applied_events(tracker) == applied_events.RASA_APPLIED_EVENTS(tracker)
    tracker.events = tracker._create_events([UserUttered("new")])
    assert applied_events.applied_events(tracker) == list(tracker.events)


def test_each_call_returns_a_new_list() -> None:
    tracker = DialogueStateTracker("patient", [])
    tracker.events.append(UserUttered("hi"))
    first = applied_events.applied_events(tracker)
    first.clear()
    assert len(applied_events.applied_events(tracker)) == 1
