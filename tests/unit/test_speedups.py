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
