"""A tracker's copy (bot.speedups.tracker_copy) is Rasa's copy, built incrementally."""

from __future__ import annotations

import random
from typing import Any, Callable, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.speedups import tracker_copy

DOMAIN = Domain.from_dict(
    {
        "slots": {
            "language": {"type": "text", "mappings": [{"type": "custom"}]},
            "consent": {"type": "bool", "mappings": [{"type": "custom"}]},
            "topics": {"type": "list", "mappings": [{"type": "custom"}]},
            "requested_slot": {"type": "any", "mappings": [{"type": "custom"}]},
        }
    }
)


def user(number: int) -> UserUttered:
    parse = {
        "intent": {"name": "faq", "confidence": 0.9},
        "entities": [{"entity": "faq_topic", "value": f"t{number}", "start": 0, "end": 1}],
        "text": f"message {number}",
    }
    return UserUttered(
        f"message {number}", parse["intent"], list(parse["entities"]), parse_data=parse
    )


# Every kind of event that changes a tracker's state, as the processor appends them.
MAKERS: List[Callable[[int], Event]] = [
    user,
    lambda n: ActionExecuted("action_listen"),
    lambda n: ActionExecuted("action_answer_faq", policy="RulePolicy", confidence=1.0),
    lambda n: BotUttered(f"answer {n}", metadata={"utter_action": f"utter_faq/t{n}"}),
    lambda n: SlotSet("language", random.Random(n).choice(["en", "bn", None])),
    lambda n: SlotSet("consent", n % 2 == 0),
    lambda n: SlotSet("topics", [f"t{n}", f"t{n + 1}"]),
    lambda n: SlotSet("requested_slot", "phone"),
    lambda n: ActiveLoop("callback_form"),
    lambda n: ActiveLoop(None),
    lambda n: LoopInterrupted(True),
    lambda n: UserUtteranceReverted(),
    lambda n: ActionReverted(),
    lambda n: ConversationPaused(),
    lambda n: ConversationResumed(),
    lambda n: FollowupAction("action_handoff"),
    lambda n: EntitiesAdded([{"entity": "phone", "value": f"01{n}", "start": 0, "end": 3}]),
    lambda n: DefinePrevUserUtteredFeaturization(n % 2 == 0),
    lambda n: AllSlotsReset(),
    lambda n: SessionStarted(),
    lambda n: Restarted(),
]
# Mostly an ordinary conversation; the rarer events now and then.
WEIGHTS = [10, 10, 8, 8, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]


def random_events(rng: random.Random, count: int) -> List[Event]:
    return [rng.choices(MAKERS, WEIGHTS)[0](index) for index in range(count)]


def same_message(ours: Any, rasas: Any, events: List[Event]) -> bool:
    """The same event object where Rasa shares one; otherwise equal content, not shared."""
    if any(ours is event for event in events) or any(rasas is event for event in events):
        return ours is rasas
    if ours is None or rasas is None:
        return ours is rasas
    entities = getattr(ours, "entities", None) == getattr(rasas, "entities", None)
    return content(ours) == content(rasas) and entities and ours is not rasas


def content(message: Event) -> dict:
    """What an empty message holds (each empty message has its own timestamp)."""
    return {key: value for key, value in message.as_dict().items() if key != "timestamp"}


def public_attributes(tracker: DialogueStateTracker) -> List[str]:
    return sorted(key for key in tracker.__dict__ if not key.startswith("_clinic_"))


def assert_same_copy(ours: DialogueStateTracker, rasas: DialogueStateTracker) -> None:
    assert type(ours) is type(rasas)
    # Rasa's attributes; caches other speedups keep (``_clinic_...``) aside.
    assert public_attributes(ours) == public_attributes(rasas)
    events = list(rasas.events)
    assert len(ours.events) == len(events)
    assert all(a is b for a, b in zip(ours.events, events, strict=True))
    assert ours.events is not rasas.events
    for name, slot in rasas.slots.items():
        assert ours.slots[name] is not slot
        assert ours.slots[name].value == slot.value
        assert ours.slots[name]._has_been_set == slot._has_been_set
    for key in (
        "sender_id",
        "sender_source",
        "model_id",
        "assistant_id",
        "is_rule_tracker",
        "_paused",
        "followup_action",
        "latest_action",
        "active_loop",
        "_max_event_history",
    ):
        assert getattr(ours, key) == getattr(rasas, key), key
    assert same_message(ours.latest_message, rasas.latest_message, events)
    assert same_message(ours.latest_bot_utterance, rasas.latest_bot_utterance, events)
    assert ours.current_state(EventVerbosity.ALL) == rasas.current_state(EventVerbosity.ALL)


@pytest.fixture(autouse=True)
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DialogueStateTracker, "copy", tracker_copy.tracker_copy)
    monkeypatch.setattr(DialogueStateTracker, "from_events", classmethod(tracker_copy.from_events))


@pytest.mark.parametrize("seed", range(40))
def test_every_copy_is_rasas_copy_as_events_arrive(seed: int) -> None:
    rng = random.Random(seed)
    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    tracker.model_id = "model"
    for event in random_events(rng, 120):
        tracker.update(event)
        if rng.random() < 0.4:
            assert_same_copy(tracker.copy(), tracker_copy.RASA_COPY(tracker))


@pytest.mark.parametrize("seed", range(20))
def test_a_tracker_read_from_events_copies_as_rasa_does(seed: int) -> None:
    rng = random.Random(1000 + seed)
    stored = random_events(rng, 80)
    tracker = DialogueStateTracker.from_events("patient", stored, DOMAIN.slots)
    assert tracker_copy.BASE_ATTRIBUTE in tracker.__dict__
    assert_same_copy(tracker.copy(), tracker_copy.RASA_COPY(tracker))
    for event in random_events(rng, 10):
        tracker.update(event)
        assert_same_copy(tracker.copy(), tracker_copy.RASA_COPY(tracker))


def test_changing_a_copy_changes_neither_the_tracker_nor_later_copies() -> None:
    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    for event in [user(1), ActionExecuted("action_listen"), SlotSet("language", "en")]:
        tracker.update(event)
    first = tracker.copy()
    first.update_with_events([SlotSet("language", "bn"), ActiveLoop("callback_form")], DOMAIN)
    first.update(LoopInterrupted(True))
    assert tracker.get_slot("language") == "en" and tracker.active_loop is None
    second = tracker.copy()
    assert second.get_slot("language") == "en" and second.active_loop is None
    assert len(second.events) == 3
    assert_same_copy(second, tracker_copy.RASA_COPY(tracker))


def test_copies_replay_only_the_new_events(monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = DialogueStateTracker.from_events(
        "patient", [user(n) for n in range(50)], DOMAIN.slots
    )
    applied: List[Event] = []
    rasa_update = DialogueStateTracker.update

    def counting_update(self: DialogueStateTracker, event: Event, domain: Any = None) -> None:
        applied.append(event)
        rasa_update(self, event, domain)

    monkeypatch.setattr(DialogueStateTracker, "update", counting_update)
    tracker.copy()
    assert applied == []
    tracker.update(ActionExecuted("action_listen"))
    applied.clear()
    tracker.copy()
    assert [type(event) for event in applied] == [ActionExecuted]


def test_replaced_events_and_bounded_histories_get_rasas_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: List[int] = []
    original = tracker_copy.RASA_COPY

    def counting_rasa_copy(self: DialogueStateTracker) -> DialogueStateTracker:
        calls.append(len(self.events))
        return original(self)

    monkeypatch.setattr(tracker_copy, "RASA_COPY", counting_rasa_copy)
    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    tracker.update(user(1))
    tracker.copy()
    tracker.copy()
    assert calls == [1]
    tracker.events = tracker._create_events([user(2), user(3)])
    copied = tracker.copy()
    assert calls == [1, 2]
    assert copied.latest_message is tracker.events[-1]
    bounded = DialogueStateTracker("patient", DOMAIN.slots, max_event_history=5)
    bounded.update(user(1))
    bounded.copy()
    bounded.copy()
    assert calls == [1, 2, 1, 1]


def test_a_copy_carries_none_of_the_speedups_private_attributes() -> None:
    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    tracker.update(user(1))
    tracker.__dict__["_clinic_past_states"] = ["kept"]
    tracker.copy()
    copied = tracker.copy()
    assert not [key for key in copied.__dict__ if key.startswith("_clinic_")]


def test_install_replaces_rasas_methods(monkeypatch: pytest.MonkeyPatch) -> None:
    # Put Rasa's methods back after the test, whatever was installed before it.
    monkeypatch.setattr(DialogueStateTracker, "copy", tracker_copy.RASA_COPY)
    monkeypatch.setattr(
        DialogueStateTracker, "from_events", classmethod(tracker_copy.RASA_FROM_EVENTS)
    )
    tracker_copy.install()
    assert DialogueStateTracker.copy is tracker_copy.tracker_copy
    tracker = DialogueStateTracker.from_events("p", [user(1)], DOMAIN.slots)
    assert tracker_copy.BASE_ATTRIBUTE in tracker.__dict__
