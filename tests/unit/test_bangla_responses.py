"""Every response has one Bangla variation, chosen by Rasa when the `language` slot is bn.

The English text stays the first, unconditioned variation (what every other test
and channel reads); the Bangla one follows it with the condition language=bn,
the same buttons (same payloads, same order, Bangla titles short enough for
WhatsApp) and the same {placeholders}.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

import pytest

from bot.evaluation.run import all_responses
from tests.conftest import PROJECT_ROOT, load_yaml

RESPONSE_FILES = [
    PROJECT_ROOT / "domain.yml",
    *sorted((PROJECT_ROOT / "data" / "responses").glob("*.yml")),
]
BANGLA = re.compile(r"[\u0980-\u09FF]")
# Rasa fills {slot} in texts; {{ }} in payloads is a literal brace, not a placeholder.
PLACEHOLDER = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")
BN_CONDITION = [{"type": "slot", "name": "language", "value": "bn"}]
WHATSAPP_BUTTON_TITLE_MAX = 20
TOPIC_TITLE_BN_MAX = 24
BN_SOURCE_NOTE = re.compile(r"\((?:সার্জনের নিজের|সেরিব্রাল পালসিতে) [^)]+ পাতা থেকে।\)$")

# Sent only when a patient's own writing switches the chat to Bangla, so its one
# (unconditioned) variation is already Bangla.
BANGLA_ONLY = {"utter_language_auto_bn"}
# Each variation's button offers the *other* language, so the payloads differ
# between the variations by design (only the language_choice value).
LANGUAGE_SWITCH = {"utter_language_set"}

RESPONSES: Dict[str, List[Dict[str, Any]]] = all_responses()
TRANSLATED = sorted(set(RESPONSES) - BANGLA_ONLY)
FAQ = sorted(name for name in RESPONSES if name.startswith("utter_faq/"))


def is_bangla_variation(variation: Dict[str, Any]) -> bool:
    # utter_language_set's Bangla variations also name bangla_disclaimer_given.
    return (variation.get("condition") or [])[:1] == BN_CONDITION


def english(name: str) -> Dict[str, Any]:
    return RESPONSES[name][0]


def bangla(name: str) -> Dict[str, Any]:
    found = [v for v in RESPONSES[name] if is_bangla_variation(v)]
    # utter_language_set has two: with the disclaimer (the first time) and without.
    expected = 2 if name in LANGUAGE_SWITCH else 1
    assert len(found) == expected, f"{name}: {len(found)} variations with condition language=bn"
    return found[0]


def payloads(variation: Dict[str, Any], name: str) -> List[str]:
    sent = [button["payload"] for button in variation.get("buttons") or []]
    if name in LANGUAGE_SWITCH:
        sent = [re.sub(r'"language_choice": "\w+"', '"language_choice": ?', p) for p in sent]
    return sent


def placeholders(text: str) -> set:
    return set(PLACEHOLDER.findall(text))


def test_all_responses_returns_every_variation_of_every_file() -> None:
    by_file = [load_yaml(path)["responses"] for path in RESPONSE_FILES]
    names = [name for responses in by_file for name in responses]
    # all_responses() merges the files with dict.update: a name in two files would hide one.
    assert len(names) == len(set(names)), "a response is defined in more than one file"
    assert {name: v for responses in by_file for name, v in responses.items()} == RESPONSES
    assert FAQ and any(len(variations) > 1 for variations in RESPONSES.values())


def test_exceptions_still_exist() -> None:
    assert set(RESPONSES) >= (BANGLA_ONLY | LANGUAGE_SWITCH)


@pytest.mark.parametrize("name", sorted(BANGLA_ONLY))
def test_bangla_only_response_is_bangla(name: str) -> None:
    for variation in RESPONSES[name]:
        assert BANGLA.search(variation["text"])
        assert not any(is_bangla_variation(v) for v in RESPONSES[name][1:])


@pytest.mark.parametrize("name", TRANSLATED)
def test_english_comes_first_without_condition(name: str) -> None:
    first = english(name)
    assert "condition" not in first
    assert first.get("text") and not BANGLA.search(first["text"])


@pytest.mark.parametrize("name", TRANSLATED)
def test_exactly_one_bangla_variation_in_bangla_script(name: str) -> None:
    variation = bangla(name)
    assert BANGLA.search(variation.get("text") or ""), f"{name}: no Bangla script in the text"
    assert variation["text"] != english(name)["text"]
    for button in variation.get("buttons") or []:
        assert BANGLA.search(button["title"]) or name in LANGUAGE_SWITCH, button


@pytest.mark.parametrize("name", TRANSLATED)
def test_bangla_buttons_send_the_english_payloads(name: str) -> None:
    assert payloads(bangla(name), name) == payloads(english(name), name)


@pytest.mark.parametrize("name", TRANSLATED)
def test_bangla_button_titles_fit_whatsapp(name: str) -> None:
    for button in bangla(name).get("buttons") or []:
        assert len(button["title"]) <= WHATSAPP_BUTTON_TITLE_MAX, button["title"]


@pytest.mark.parametrize("name", TRANSLATED)
def test_placeholders_are_the_same(name: str) -> None:
    assert placeholders(bangla(name)["text"]) == placeholders(english(name)["text"])


@pytest.mark.parametrize("name", FAQ)
def test_faq_english_metadata_has_a_bangla_topic_title(name: str) -> None:
    title: Optional[str] = (english(name).get("metadata") or {}).get("topic_title_bn")
    assert title and BANGLA.search(title), f"{name}: topic_title_bn missing"
    assert len(title) <= TOPIC_TITLE_BN_MAX, title


@pytest.mark.parametrize("name", FAQ)
def test_faq_bangla_variation_keeps_provenance_and_source_note(name: str) -> None:
    variation = bangla(name)
    assert variation["metadata"] == {**english(name)["metadata"], "language": "bn"}
    assert BN_SOURCE_NOTE.search(variation["text"]), f"{name}: the source is not named"


def test_rasa_reads_the_files() -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    domain = Domain.from_file(str(PROJECT_ROOT / "domain.yml"))
    in_data = set()
    for path in RESPONSE_FILES[1:]:
        data = RasaYAMLReader().read(path)
        assert all(len(variations) == 2 for variations in data.responses.values())
        in_data |= set(data.responses)
    assert all(
        any(is_bangla_variation(v) for v in domain.responses[n])
        for n in TRANSLATED
        if n not in in_data
    )


@pytest.mark.parametrize(
    ("language", "expect_bangla"), [("bn", True), ("en", False), ("BN", True), (None, False)]
)
def test_rasa_picks_the_variation_by_language_slot(
    language: Optional[str], expect_bangla: bool
) -> None:
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

    nlg = TemplatedNaturalLanguageGenerator(RESPONSES)
    slots = {"language": language}
    for name in ("utter_greet", "utter_faq/dfo_what_is"):
        for _ in range(5):  # a random choice among the variations that fit
            sent = nlg.generate_from_slots(name, slots, "socketio")
            assert bool(BANGLA.search(sent["text"])) is expect_bangla
    sent = nlg.generate_from_slots(
        "utter_clinic_phone", slots, "socketio", clinic_phone="01712 345678"
    )
    assert "01712 345678" in sent["text"] and "{" not in sent["text"]
