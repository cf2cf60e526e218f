"""bot.speedups.past_states: the same states and predictions as Rasa's replay, built incrementally.

The trained model's policies (models/clinic.tar.gz) predict on trackers made
from the conversation tests' stories and the recorded trackers, grown one
event at a time as Rasa's processor grows them, with the override and with
Rasa's own ``past_states``; every state list and every prediction must match.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.constants import RULE_ONLY_LOOPS, RULE_ONLY_SLOTS
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    DefinePrevUserUtteredFeaturization,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from bot.speedups import past_states
from bot.storage.session_cache import CachedRow, mark_stored

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "clinic.tar.gz"
STORIES = sorted((ROOT / "tests" / "conversations").glob("test_*.yml"))
RECORDED = sorted((ROOT / "tests" / "data" / "trackers").glob("*.json"))


@pytest.fixture(scope="module")
def agent() -> Agent:
    return Agent.load(str(MODEL))


@pytest.fixture()
def rasa_code() -> Iterator[None]:
    """Leave Rasa's method in place after each test."""
    yield
    DialogueStateTracker.past_states = past_states.RASA_PAST_STATES  # type: ignore[method-assign]


def story_events(domain: Domain) -> List[Tuple[str, List[Event]]]:
    """Every conversation-test story as (name, events), after Rasa's session start."""
    found = []
    for path in STORIES:
        for step in YAMLStoryReader(domain).read_from_file(str(path)):
            events = [event for event in step.events if isinstance(event, Event)]
            found.append((f"{path.stem}: {step.block_name}", events))
    return found


def recorded_events(domain: Domain) -> List[Tuple[str, List[Event]]]:
    """The recorded trackers' events."""
    found = []
    for path in RECORDED:
        data = json.loads(path.read_text(encoding="utf-8"))
        tracker = DialogueStateTracker.from_dict(data["sender_id"], data["events"], domain.slots)
        found.append((path.stem, list(tracker.events)))
    return found


def opening() -> List[Event]:
    """What Rasa's processor writes before the first message."""
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]


def long_conversation(domain: Domain) -> List[Event]:
    """All the stories one after another in one session, with rewinds and a restart."""
    events = opening()
    for index, (_, story) in enumerate(story_events(domain)):
        events += story
        events.append(ActionExecuted("action_listen"))
        if index % 3 == 1:
            events += [
                UserUttered("oops", {"name": "greet", "confidence": 1.0}),
                UserUtteranceReverted(),
            ]
        if index % 4 == 2:
            events += [ActionExecuted("utter_greet"), ActionReverted()]
        if index == 9:
            events += [Restarted(), ActionExecuted("action_listen")]
    return events


def scenarios(domain: Domain) -> List[Tuple[str, List[Event]]]:
    """Every event sequence the tests grow trackers from."""
    stories = [(name, opening() + events) for name, events in story_events(domain)]
    return [*stories, *recorded_events(domain), ("long", long_conversation(domain))]


def without_time(event: Event) -> Dict[str, Any]:
    """The event's data, without the time it was made at."""
    data = event.as_dict()
    data.pop("timestamp", None)
    return data


def prediction(agent: Agent, tracker: DialogueStateTracker) -> Dict[str, Any]:
    """The policy ensemble's prediction, as comparable data (the tracker left as it was)."""
    followup = tracker.followup_action  # Rasa clears it when it predicts it
    result = agent.processor._predict_next_with_tracker(tracker)
    tracker.followup_action = followup
    return {
        "probabilities": result.probabilities,
        "policy": result.policy_name,
        "events": [without_time(event) for event in result.events],
        "optional_events": [without_time(event) for event in result.optional_events],
        "end_to_end": result.is_end_to_end_prediction,
        "no_user": result.is_no_user_prediction,
        "hide_rule_turn": result.hide_rule_turn,
        "action_metadata": result.action_metadata,
    }


def every_argument_set(domain: Domain) -> List[Dict[str, Any]]:
    """The arguments the policies call ``past_states`` with, and the others Rasa allows."""
    rule_only = {
        RULE_ONLY_SLOTS: ["requested_slot", "language"],
        RULE_ONLY_LOOPS: ["callback_form"],
    }
    return [
        {},
        {"omit_unset_slots": True},
        {"ignore_rule_only_turns": True, "rule_only_data": rule_only},
        {"ignore_rule_only_turns": True, "rule_only_data": None},
    ]


def rasa_states(tracker: DialogueStateTracker, domain: Domain, **arguments: Any) -> List[Any]:
    """Rasa's own states for the tracker."""
    return past_states.RASA_PAST_STATES(tracker, domain, **arguments)


def grow(
    domain: Domain, events: List[Event], name: str
) -> Iterator[Tuple[int, DialogueStateTracker]]:
    """One tracker, updated event by event; yields it before every action and at the end."""
    tracker = DialogueStateTracker(name, domain.slots)
    for index, event in enumerate(events):
        if isinstance(event, ActionExecuted):
            yield index, tracker
        tracker.update(event)
    yield len(events), tracker


def test_states_match_rasas_before_every_action(agent: Agent, rasa_code: None) -> None:
    domain = agent.domain
    past_states.install()
    compared = 0
    for name, events in scenarios(domain):
        for index, tracker in grow(domain, events, name):
            for arguments in every_argument_set(domain):
                ours = tracker.past_states(domain, **arguments)
                assert ours == rasa_states(tracker, domain, **arguments), (name, index, arguments)
                compared += 1
    assert compared > 800


def test_predictions_match_rasas_before_every_action(agent: Agent, rasa_code: None) -> None:
    domain = agent.domain
    compared = 0
    for name, events in scenarios(domain):
        for index, tracker in grow(domain, events, name):
            past_states.install()
            ours = prediction(agent, tracker)
            again = prediction(agent, tracker)
            DialogueStateTracker.past_states = past_states.RASA_PAST_STATES  # type: ignore[method-assign]
            theirs = prediction(agent, tracker)
            assert ours == theirs, (name, index)
            assert again == theirs, (name, index)
            compared += 1
    assert compared > 200


def test_callers_editing_the_states_do_not_change_the_next_answer(
    agent: Agent, rasa_code: None
) -> None:
    domain = agent.domain
    past_states.install()
    _, events = scenarios(domain)[1]
    tracker = DialogueStateTracker("edits", domain.slots)
    for event in events:
        tracker.update(event)
    first = tracker.past_states(domain)
    expected = rasa_states(tracker, domain)
    for state in first:
        for sub_state in state.values():
            sub_state.clear()
        state.clear()
    assert tracker.past_states(domain) == expected


def test_only_new_events_are_replayed(
    agent: Agent, rasa_code: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    domain = agent.domain
    past_states.install()
    events = long_conversation(domain)
    tracker = DialogueStateTracker("incremental", domain.slots)
    built: List[Optional[object]] = []
    rasa_state = Domain.get_active_state

    def counted(self: Domain, *args: Any, **kwargs: Any) -> Any:
        built.append(None)
        return rasa_state(self, *args, **kwargs)

    monkeypatch.setattr(Domain, "get_active_state", counted)
    tail = [*story_events(domain)[0][1], ActionExecuted("action_listen")]
    for event in events:
        tracker.update(event)
    tracker.past_states(domain)
    built.clear()
    for event in tail:
        tracker.update(event)
        tracker.past_states(domain)
    # One state per new action and one final state per call, not the whole history again.
    actions = sum(isinstance(event, ActionExecuted) for event in tail)
    assert len(built) == actions + len(tail)
    assert tracker.past_states(domain) == rasa_states(tracker, domain)


def test_a_rewind_starts_the_replay_over(agent: Agent, rasa_code: None) -> None:
    domain = agent.domain
    past_states.install()
    tracker = DialogueStateTracker("rewind", domain.slots)
    for event in [*opening(), UserUttered("hi", {"name": "greet", "confidence": 1.0})]:
        tracker.update(event)
    tracker.past_states(domain)
    for event in [
        SlotSet("language", "bn"),
        UserUtteranceReverted(),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(event)
        assert tracker.past_states(domain) == rasa_states(tracker, domain)


def test_install_all_installs_it_and_speedups_off_does_not(rasa_code: None) -> None:
    from bot.speedups import install_all

    assert install_all({"RASA_SPEEDUPS": "off"}) is False
    assert DialogueStateTracker.past_states is past_states.RASA_PAST_STATES
    assert install_all({}) is True
    assert DialogueStateTracker.past_states is past_states.past_states


def stored_form(events: List[Event]) -> List[CachedRow]:
    """The rows the tracker store writes for these events."""
    return [
        CachedRow.from_row(event.type_name, event.timestamp, json.dumps(event.as_dict()))
        for event in events
    ]


def by_message(events: List[Event]) -> List[List[Event]]:
    """The events as the messages that add them: each part but the first starts with a user turn."""
    parts: List[List[Event]] = [[]]
    for event in events:
        if isinstance(event, UserUttered) and parts[-1]:
            parts.append([])
        parts[-1].append(event)
    return parts


def message_by_message(domain: Domain, name: str, events: List[Event], compare: bool = True) -> int:
    """Process the events as the server does and compare every state list with Rasa's.

    Each message gets a new tracker read from the stored rows of the earlier
    ones (each event marked with its row, as the tracker store hands it out).

    Returns:
        How many state lists were compared.
    """
    compared = 0
    stored: List[CachedRow] = []
    for part in by_message(events):
        tracker = DialogueStateTracker.from_dict(
            name, [row.event() for row in stored], domain.slots
        )
        assert mark_stored(tracker.events, stored)
        for event in [*part, None]:
            if event is None or isinstance(event, ActionExecuted):
                for arguments in every_argument_set(domain):
                    ours = tracker.past_states(domain, **arguments)
                    if compare:
                        assert ours == rasa_states(tracker, domain, **arguments), (name, event)
                    compared += 1
            if event is not None:
                tracker.update(event)
        stored += stored_form(list(tracker.events)[len(stored) :])
    return compared


def test_trackers_read_from_stored_rows_get_rasas_states(agent: Agent, rasa_code: None) -> None:
    domain = agent.domain
    past_states.install()
    past_states.SNAPSHOTS.clear()
    compared = sum(message_by_message(domain, name, events) for name, events in scenarios(domain))
    assert compared > 800
    assert len(past_states.SNAPSHOTS) > 10


def test_a_tracker_read_from_stored_rows_resumes_the_last_messages_replay(
    agent: Agent, rasa_code: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    domain = agent.domain
    past_states.install()
    built: List[None] = []
    rasa_state = Domain.get_active_state

    def counted(self: Domain, *args: Any, **kwargs: Any) -> Any:
        built.append(None)
        return rasa_state(self, *args, **kwargs)

    monkeypatch.setattr(Domain, "get_active_state", counted)
    events = opening() + [event for _, story in story_events(domain) for event in story] * 3
    past_states.SNAPSHOTS.clear()
    message_by_message(domain, "resumed", events, compare=False)
    resumed = len(built)
    built.clear()
    monkeypatch.setattr(past_states.SNAPSHOTS, "resume", lambda *_: None)
    message_by_message(domain, "every message from the start", events, compare=False)
    assert resumed * 5 < len(built), (resumed, len(built))


def test_an_edit_of_a_user_message_states_were_built_from_starts_over(
    agent: Agent, rasa_code: None
) -> None:
    domain = agent.domain
    past_states.install()
    tracker = DialogueStateTracker("edit", domain.slots)
    for event in [*opening(), UserUttered("hi", {"name": "greet", "confidence": 1.0})]:
        tracker.update(event)
    later = [
        ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
        DefinePrevUserUtteredFeaturization(True),
        ActionExecuted("utter_greet"),
    ]
    for event in later:
        tracker.update(event)
        assert tracker.past_states(domain) == rasa_states(tracker, domain)


def test_applied_events_are_worked_out_again_only_when_events_change(
    agent: Agent, rasa_code: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    domain = agent.domain
    past_states.install()
    calls: List[None] = []
    rasa_applied = DialogueStateTracker.applied_events

    def counted(self: DialogueStateTracker) -> List[Event]:
        calls.append(None)
        return rasa_applied(self)

    monkeypatch.setattr(DialogueStateTracker, "applied_events", counted)
    tracker = DialogueStateTracker("applied", domain.slots)
    for event in [*opening(), UserUttered("hi", {"name": "greet", "confidence": 1.0})]:
        tracker.update(event)
    for arguments in every_argument_set(domain):
        tracker.past_states(domain, **arguments)
    assert len(calls) == 1
    tracker.update(ActionExecuted("utter_greet"))
    assert tracker.past_states(domain) == rasa_states(tracker, domain)
    assert len(calls) == 3  # ours, then Rasa's own in rasa_states
    # The same number of events, but others: worked out again.
    tracker.recreate_from_dialogue(
        DialogueStateTracker.from_events(
            "applied", [*opening(), UserUttered("bye", {"name": "goodbye"}), ActionExecuted("x")]
        ).as_dialogue()
    )
    assert tracker.past_states(domain) == rasa_states(tracker, domain)
