"""The clinic's contract: every key exists, is trained, and has a sourced answer."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any, Dict, List

import pytest

from tests.conftest import PROJECT_ROOT, TEST_DATA, load_yaml

CONTRACT = load_yaml(TEST_DATA / "contract_keys.yml")
PROVENANCE_FIELDS = (
    "source",
    "source_document",
    "section",
    "checked_against_source",
    "topic_title",
)
# The knee page is the surgeon's own; the hip page a general patient page.
# The rest of an FAQ answer: utter_faq_more/<topic>.
MORE = "faq_more/"
WHATSAPP_BUTTON_TITLE = 20
SOURCE_SENTENCE = re.compile(r"\(From (?:the surgeon's|a general patient) page on [^)]+\.\)$")


def nlu_examples() -> Counter:
    counts: Counter = Counter()
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        for block in load_yaml(path).get("nlu") or []:
            if "intent" in block:
                lines = [line for line in block["examples"].splitlines() if line.strip()]
                counts[block["intent"]] += len(lines)
    return counts


def faq_responses() -> Dict[str, List[Dict[str, Any]]]:
    responses: Dict[str, List[Dict[str, Any]]] = {}
    for path in (PROJECT_ROOT / "data" / "responses").glob("*.yml"):
        responses.update(load_yaml(path)["responses"])
    return responses


EXAMPLES = nlu_examples()
RESPONSES = faq_responses()
DOMAIN = load_yaml(PROJECT_ROOT / "domain.yml")


@pytest.mark.parametrize("key", CONTRACT["faq"])
def test_faq_key_has_at_least_20_training_examples(key: str) -> None:
    assert EXAMPLES[key] >= 20


@pytest.mark.parametrize("key", CONTRACT["intents"])
def test_plain_intent_is_in_the_domain_and_trained(key: str) -> None:
    assert key in DOMAIN["intents"]
    assert EXAMPLES[key] >= 20


def test_out_of_scope_has_at_least_as_many_examples_as_any_faq_key() -> None:
    assert EXAMPLES["out_of_scope"] >= max(EXAMPLES[key] for key in CONTRACT["faq"])


@pytest.mark.parametrize("key", CONTRACT["faq"])
def test_faq_key_has_an_answer_with_provenance(key: str) -> None:
    variations = RESPONSES.get(f"utter_{key}")
    assert variations, f"no answer for {key}"
    for variation in variations:
        metadata = variation.get("metadata") or {}
        for field in PROVENANCE_FIELDS:
            assert metadata.get(field), f"{key}: provenance field {field} missing"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(metadata["checked_against_source"]))
        assert metadata["source"] in ("dfo", "vro", "dfo, vro")


@pytest.mark.parametrize("key", CONTRACT["faq"])
def test_answer_is_short_and_names_its_source(key: str) -> None:
    """Two or three sentences first; the rest (up to five) on request, named too."""
    first = f"utter_{key}"
    rest = f"utter_{MORE}{key.removeprefix('faq/')}"
    for name, most in ((first, 3), (rest, 5)):
        text = RESPONSES[name][0]["text"]
        assert SOURCE_SENTENCE.search(text), f"{name}: the source is not named"
        body = SOURCE_SENTENCE.sub("", text)
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", body.strip()) if s]
        assert 1 <= len(sentences) <= most, f"{name}: {len(sentences)} sentences"


def assert_related_topics_and_staff(key: str, buttons: List[Dict[str, str]]) -> None:
    assert buttons[-1]["payload"] == "/request_human"
    for button in buttons[:-1]:
        # Double braces: Rasa fills {slots} in responses; {{ }} is a literal brace.
        assert button["payload"].startswith("/faq{{") and button["payload"].endswith("}}")
        topic = json.loads(button["payload"][len("/faq{") : -1])["faq_topic"]
        assert f"faq/{topic}" in CONTRACT["faq"] and f"faq/{topic}" != key
        assert len(button["title"]) <= 24


@pytest.mark.parametrize("key", CONTRACT["faq"])
def test_answer_offers_the_rest_a_related_topic_and_staff(key: str) -> None:
    """Three buttons, so WhatsApp shows them as reply buttons, not a list."""
    for variation in RESPONSES[f"utter_{key}"]:
        more, *others = variation["buttons"]
        topic = key.removeprefix("faq/")
        assert more["payload"] == f'/tell_me_more{{{{"faq_topic": "{topic}"}}}}'
        assert len(more["title"]) <= WHATSAPP_BUTTON_TITLE
        assert_related_topics_and_staff(key, others)
        assert len(variation["buttons"]) <= 3


@pytest.mark.parametrize("key", CONTRACT["faq"])
def test_rest_of_the_answer_offers_related_topics_and_staff(key: str) -> None:
    for variation in RESPONSES[f"utter_{MORE}{key.removeprefix('faq/')}"]:
        assert_related_topics_and_staff(key, variation["buttons"])
        assert len(variation["buttons"]) <= 3


def test_no_answer_exists_without_a_contract_key() -> None:
    """Each contract key has a first answer and its rest, and nothing else is an answer."""
    first = {name.removeprefix("utter_") for name in RESPONSES if name.startswith("utter_faq/")}
    rests = {
        "faq/" + name.removeprefix(f"utter_{MORE}")
        for name in RESPONSES
        if name.startswith(f"utter_{MORE}")
    }
    assert first == rests == set(CONTRACT["faq"])
    others = (
        set(RESPONSES)
        - {f"utter_{key}" for key in first}
        - {f"utter_{MORE}{key.removeprefix('faq/')}" for key in rests}
    )
    assert not any("faq" in name for name in others), others


def test_every_response_used_by_actions_exists() -> None:
    used = set()
    for path in (PROJECT_ROOT / "actions").glob("*.py"):
        used |= set(re.findall(r'response="(utter_[a-z_]+)"', path.read_text()))
    # Rasa adds the responses in data/responses/ to the domain.
    assert used and used <= set(DOMAIN["responses"]) | set(RESPONSES)


def all_buttons() -> List[Dict[str, str]]:
    responses: Dict[str, List[Dict[str, Any]]] = {**DOMAIN["responses"], **RESPONSES}
    return [
        button
        for variations in responses.values()
        for variation in variations
        for button in variation.get("buttons") or []
    ]


@pytest.mark.parametrize("button", all_buttons(), ids=lambda button: button["payload"])
def test_button_payload_survives_rasa_slot_filling(button: Dict[str, str]) -> None:
    from rasa.core.nlg.interpolator import interpolate_text
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    sent = interpolate_text(button["payload"], {"urgent": False})
    assert "{{" not in sent and "0[" not in sent
    match = YAMLStoryReader._regex_message_pattern().match(sent)
    assert match and match.group("name") in DOMAIN["intents"]
    if match.group("entities"):
        assert set(json.loads(match.group("entities"))) <= set(DOMAIN["entities"])
