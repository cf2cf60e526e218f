"""The language slots are filled inside the Rasa server, exactly as the action server did."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.language import ActionDetectLanguage
from bot.speedups import language_slot_mapping
from tests.conftest import PROJECT_ROOT

Slots = Dict[str, Any]

# (text, NLU language output, entities, slots before) of typical messages.
CASES: List[Tuple[str, Dict[str, Any], List[Dict[str, Any]], Slots]] = [
    ("hatur operation er por koto din?", {"language": "bn_latn", "language_clear": True}, [], {}),
    ("ডিএফও কী?", {"language": "bn", "language_clear": True}, [], {}),
    ("what is a DFO?", {"language": "en", "language_clear": True}, [], {"language": "bn"}),
    ("ok", {"language": "en", "language_clear": False}, [], {"language": "bn"}),
    ("ডিএফও কী?", {"language": "bn", "language_clear": True}, [], {"language_pinned": True}),
    (
        "please answer in Bangla",
        {"language": "en", "language_clear": True, "language_request": "bn"},
        [],
        {},
    ),
    (
        '/set_language{"language_choice": "en"}',
        {},
        [{"entity": "language_choice", "value": "en"}],
        {"language": "bn"},
    ),
    ('/faq{"faq_topic": "dfo_recovery"}', {}, [], {"language": "bn"}),
]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


def tracker_after(
    domain: Domain, text: str, nlu: Dict[str, Any], entities: List[Dict[str, Any]], slots: Slots
) -> DialogueStateTracker:
    intent = "set_language" if entities else "faq"
    parse_data = {"intent": {"name": intent, "confidence": 1.0}, "entities": entities, **nlu}
    events: List[Any] = [ActionExecuted("action_listen")]
    events += [SlotSet(name, value) for name, value in slots.items()]
    events.append(UserUttered(text, parse_data["intent"], entities, parse_data))
    return DialogueStateTracker.from_events("language-test", events, slots=domain.slots)


async def extract_slots(domain: Domain, tracker: DialogueStateTracker) -> List[Tuple[str, Any]]:
    """Run Rasa's slot extraction with no action server at all."""
    language_slot_mapping.install()
    events = await ActionExtractSlots(None).run(
        CollectingOutputChannel(),
        TemplatedNaturalLanguageGenerator(domain.responses),
        tracker,
        domain,
    )
    return [(event.key, event.value) for event in events if isinstance(event, SlotSet)]


async def action_server_slots(
    domain: Domain, tracker: DialogueStateTracker
) -> List[Tuple[str, Any]]:
    """What the action server's action_detect_language returns for the same tracker."""
    state = tracker.current_state(EventVerbosity.AFTER_RESTART)
    events = await ActionDetectLanguage().run(
        CollectingDispatcher(), Tracker.from_dict(state), domain.as_dict()
    )
    return [(event["name"], event["value"]) for event in events]


async def test_romanized_bangla_switches_without_an_action_server(domain: Domain) -> None:
    text, nlu, entities, slots = CASES[0]
    changes = await extract_slots(domain, tracker_after(domain, text, nlu, entities, slots))
    assert changes == [("language", "bn"), ("language_notice_due", True)]


@pytest.mark.parametrize(("text", "nlu", "entities", "slots"), CASES)
async def test_the_same_slots_as_the_action_server(
    domain: Domain, text: str, nlu: Dict[str, Any], entities: list, slots: Slots
) -> None:
    tracker = tracker_after(domain, text, nlu, entities, slots)
    assert await extract_slots(domain, tracker) == await action_server_slots(domain, tracker)


async def test_other_custom_actions_still_go_to_the_action_server(
    domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: List[Optional[str]] = []

    async def remote(self: Any, name: str, *args: Any) -> list:
        called.append(name)
        return []

    monkeypatch.setattr(language_slot_mapping, "RASA_RUN_CUSTOM_ACTION", remote)
    language_slot_mapping.install()
    tracker = tracker_after(domain, *CASES[0])
    await ActionExtractSlots(None)._run_custom_action("action_other", None, None, tracker, domain)
    await ActionExtractSlots(None)._run_custom_action(
        "action_detect_language", None, None, tracker, domain
    )
    assert called == ["action_other"]


def test_only_the_language_action_fills_slots_after_every_message(domain: Domain) -> None:
    # A custom mapping naming an action makes action_extract_slots run that
    # action after every message: a slot of action_clarify's named it, which
    # then ran, and set the slot, on every turn.
    named = {mapping.get("action") for slot in domain.slots for mapping in slot.mappings} - {None}
    assert named == {"action_detect_language"}
