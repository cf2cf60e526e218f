"""bot.speedups: Rasa 3.6 overrides that remove per-message work, behaviour unchanged."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.speedups import action_reply_schema

RASA_VALIDATE = RemoteAction._validate_action_result

GOOD_REPLY: Dict[str, Any] = {
    "events": [{"event": "slot", "name": "language", "value": "bn", "timestamp": None}],
    "responses": [{"response": "utter_language_auto_bn"}],
}
BAD_REPLIES = [
    {"events": [{"event": "slot", "name": 5}]},
    {"events": "not a list"},
    {"responses": [1]},
    [],
]


@pytest.fixture()
def action() -> RemoteAction:
    action_reply_schema.install()
    return RemoteAction("action_detect_language", None)


def test_the_installed_validator_accepts_good_replies(action: RemoteAction) -> None:
    assert action._validate_action_result(GOOD_REPLY) is True
    assert action._validate_action_result({"events": [], "responses": []}) is True


@pytest.mark.parametrize("reply", BAD_REPLIES)
def test_bad_replies_fail_as_with_rasa(action: RemoteAction, reply: Any) -> None:
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(reply)
    with pytest.raises(ValidationError) as rasa:
        RASA_VALIDATE(action, reply)
    assert ours.value.message == rasa.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_the_schema_is_checked_once_not_per_reply(
    action: RemoteAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    validator = action_reply_schema.reply_validator()

    def refuse(*_: Any) -> None:
        raise AssertionError("the schema was checked again")

    monkeypatch.setattr(type(validator), "check_schema", classmethod(refuse))
    for _ in range(3):
        assert action._validate_action_result(GOOD_REPLY) is True
    with pytest.raises(ValidationError):
        action._validate_action_result(BAD_REPLIES[0])
    assert action_reply_schema.reply_validator() is validator


def test_install_all_puts_every_override_in_place() -> None:
    from bot.speedups import install_all

    install_all()
    assert RemoteAction._validate_action_result is action_reply_schema.validate_action_result


def test_rasa_speedups_off_leaves_rasa_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.speedups import install_all

    monkeypatch.setattr(RemoteAction, "_validate_action_result", RASA_VALIDATE)
    assert install_all({"RASA_SPEEDUPS": "off"}) is False
    assert RemoteAction._validate_action_result is RASA_VALIDATE
    assert install_all({}) is True
    assert RemoteAction._validate_action_result is action_reply_schema.validate_action_result


def test_the_paused_guard_skips_its_read_only_for_rasas_overridden_processor() -> None:
    from rasa.core.processor import MessageProcessor

    from bot.speedups import paused_urgent

    class Agent:
        def __init__(self, processor: Any) -> None:
            self.processor = processor

    processor = object.__new__(MessageProcessor)
    paused_urgent.install()
    assert paused_urgent.answers_urgent_while_paused(Agent(processor)) is True
    assert paused_urgent.answers_urgent_while_paused(Agent(None)) is False
    assert paused_urgent.answers_urgent_while_paused(object()) is False


def test_event_classes_come_from_a_table_with_rasas_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rasa.shared.core import events
    from rasa.shared.utils.common import all_subclasses

    from bot.speedups import event_types

    event_types.install()
    for cls in all_subclasses(events.Event):
        assert events.Event.resolve_by_type(cls.type_name) is event_types.RASA_RESOLVE_BY_TYPE(
            cls.type_name
        )
    assert events.Event.resolve_by_type("topic") is None
    assert events.Event.resolve_by_type("nonsense", events.SlotSet) is events.SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        events.Event.resolve_by_type("nonsense")
    restored = events.Event.from_parameters({"event": "slot", "name": "language", "value": "bn"})
    assert restored == events.SlotSet("language", "bn")

    # Known names no longer walk the class tree.
    def refuse(_: Any) -> list:
        raise AssertionError("walked the class tree")

    monkeypatch.setattr(event_types, "all_subclasses", refuse)
    assert events.Event.resolve_by_type("user") is events.UserUttered


def test_an_event_class_imported_later_is_found() -> None:
    from rasa.shared.core import events

    from bot.speedups import event_types

    event_types.install()
    events.Event.resolve_by_type("user")

    class LateEvent(events.SlotSet):
        type_name = "bench_late_event"

    assert events.Event.resolve_by_type("bench_late_event") is LateEvent


async def test_the_heap_is_frozen_once_rasa_has_loaded_the_model(monkeypatch) -> None:
    import gc

    from rasa.core import run as rasa_run

    from bot.speedups import frozen_heap

    loaded = []

    async def load_model(*args: Any, **kwargs: Any) -> str:
        loaded.append(args)
        return "agent"

    monkeypatch.setattr(frozen_heap, "RASA_LOAD_AGENT_ON_START", load_model)
    monkeypatch.setattr(rasa_run, "load_agent_on_start", rasa_run.load_agent_on_start)
    frozen_heap.install()
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        agent = await rasa_run.load_agent_on_start("models/m.tar.gz", None, None)
        assert agent == "agent"
        assert loaded == [("models/m.tar.gz", None, None)]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_event_loop_gets_the_gil_back_sooner() -> None:
    import sys

    from bot.speedups import switch_interval

    before = sys.getswitchinterval()
    try:
        switch_interval.install()
        assert sys.getswitchinterval() == pytest.approx(switch_interval.SWITCH_INTERVAL_SECONDS)
        assert sys.getswitchinterval() < 0.005
    finally:
        sys.setswitchinterval(before)


def test_action_calls_carry_only_the_latest_messages_nlu_result() -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.speedups import action_payload

    action_payload.install()
    domain = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": []}}})
    parse = {"intent": {"name": "greet", "confidence": 0.9}, "intent_ranking": [{"name": "x"}]}
    events = [
        UserUttered("hello", parse_data=dict(parse, text="hello")),
        BotUttered("Hi", metadata={"utter_action": "utter_greet"}),
        SlotSet("language", "bn"),
        UserUttered("dfo ki", parse_data=dict(parse, text="dfo ki")),
        ActionExecuted("action_answer_faq"),
    ]
    tracker = DialogueStateTracker.from_events("c", events, slots=domain.slots)
    payload = RemoteAction("action_answer_faq", None)._action_call_format(tracker, domain)
    sent = payload["tracker"]["events"]
    users = [event for event in sent if event["event"] == "user"]
    assert [event["text"] for event in users] == ["hello", "dfo ki"]
    assert "parse_data" not in users[0]
    assert users[1]["parse_data"]["text"] == "dfo ki"
    assert payload["tracker"]["latest_message"]["text"] == "dfo ki"
    # The assistant's messages keep the name of their response (actions/more.py reads it).
    bots = [event for event in sent if event["event"] == "bot"]
    assert [event["metadata"]["utter_action"] for event in bots] == ["utter_greet"]
    assert "text" not in bots[0] and "data" not in bots[0]
    # Everything else is sent as Rasa sends it; the tracker itself is unchanged.
    rasa_payload = action_payload.RASA_ACTION_CALL_FORMAT(
        RemoteAction("action_answer_faq", None), tracker, domain
    )
    assert [e for e in sent if e["event"] not in ("user", "bot")] == [
        e for e in rasa_payload["tracker"]["events"] if e["event"] not in ("user", "bot")
    ]
    assert tracker.events[0].parse_data["text"] == "hello"
    assert tracker.events[1].text == "Hi"


def test_action_calls_leave_out_earlier_turns_but_not_the_messages_or_answers() -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.speedups import action_payload

    action_payload.install()
    domain = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": []}}})
    events = []
    for turn in range(10):
        events += [
            ActionExecuted("action_listen"),
            UserUttered(f"question {turn}", parse_data={"text": f"question {turn}"}),
            SlotSet("language", "bn" if turn % 2 else "en"),
            ActionExecuted("action_answer_faq"),
            BotUttered(f"answer {turn}", metadata={"utter_action": f"utter_faq/t{turn}"}),
        ]
    tracker = DialogueStateTracker.from_events("c", events, slots=domain.slots)
    rasas = action_payload.RASA_ACTION_CALL_FORMAT(
        RemoteAction("action_tell_me_more", None), tracker, domain
    )
    ours = RemoteAction("action_tell_me_more", None)._action_call_format(tracker, domain)
    sent = ours["tracker"]["events"]
    # Every question's text (the operation may be named only there), its
    # NLU result only for the latest.
    users = [e for e in sent if e["event"] == "user"]
    assert [e["text"] for e in users] == [f"question {turn}" for turn in range(10)]
    assert ["parse_data" in e for e in users] == [False] * 9 + [True]
    # The last three turns whole, from the listen before the eighth question.
    first_recent = next(i for i, e in enumerate(sent) if e["event"] == "action")
    assert sent[first_recent] == {**rasas["tracker"]["events"][35]}
    assert all(e["event"] not in ("action", "slot") for e in sent[:first_recent])
    # The recent turns' slot events (the state carries every slot's value) ...
    assert [e["value"] for e in sent if e["event"] == "slot"] == ["bn", "en", "bn"]
    assert ours["tracker"]["slots"]["language"] == "bn"
    # ... and every answer's response name, from the first turn on.
    assert [e["metadata"]["utter_action"] for e in sent if e["event"] == "bot"] == [
        f"utter_faq/t{turn}" for turn in range(10)
    ]
    # Everything but the events is Rasa's body.
    assert {k: v for k, v in ours.items() if k != "tracker"} == {
        k: v for k, v in rasas.items() if k != "tracker"
    }
    assert {k: v for k, v in ours["tracker"].items() if k != "events"} == {
        k: v for k, v in rasas["tracker"].items() if k != "events"
    }
    # The session start carries the whole session's slots over: it gets every event.
    start = RemoteAction("action_session_start", None)._action_call_format(tracker, domain)
    assert len(start["tracker"]["events"]) == len(rasas["tracker"]["events"])
    assert [e["value"] for e in start["tracker"]["events"] if e["event"] == "slot"] == [
        "en",
        "bn",
    ] * 5


def test_states_are_formatted_only_for_a_debug_log() -> None:
    import logging

    from rasa.core.policies.policy import Policy
    from rasa.core.policies.rule_policy import RulePolicy

    from bot.speedups import debug_states

    debug_states.install()
    states = [{"user": {"intent": "greet"}, "prev_action": {"action_name": "action_listen"}}]
    logger = logging.getLogger(debug_states.RULE_POLICY_LOGGER)
    before = logger.level
    try:
        logger.setLevel(logging.INFO)
        assert RulePolicy.format_tracker_states(states) == ""
        logger.setLevel(logging.DEBUG)
        expected = debug_states.RASA_FORMAT_TRACKER_STATES(states)
        assert "user intent: greet" in expected
        assert Policy.format_tracker_states(states) == expected
    finally:
        logger.setLevel(before)
