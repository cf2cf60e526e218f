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
    text = RESPONSES[f"utter_{key}"][0]["text"]
    assert SOURCE_SENTENCE.search(text), f"{key}: the source is not named"
    body = SOURCE_SENTENCE.sub("", text)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", body.strip()) if s]
    assert 2 <= len(sentences) <= 5, f"{key}: {len(sentences)} sentences"


@pytest.mark.parametrize("key", CONTRACT["faq"])
def test_answer_offers_related_topics_and_staff(key: str) -> None:
    buttons = RESPONSES[f"utter_{key}"][0]["buttons"]
    assert buttons[-1]["payload"] == "/request_human"
    for button in buttons[:-1]:
        # Double braces: Rasa fills {slots} in responses; {{ }} is a literal brace.
        assert button["payload"].startswith("/faq{{") and button["payload"].endswith("}}")
        topic = json.loads(button["payload"][len("/faq{") : -1])["faq_topic"]
        assert f"faq/{topic}" in CONTRACT["faq"] and f"faq/{topic}" != key
        assert len(button["title"]) <= 24


def test_no_answer_exists_without_a_contract_key() -> None:
    assert {name.removeprefix("utter_") for name in RESPONSES} == set(CONTRACT["faq"])


def test_every_response_used_by_actions_exists() -> None:
    used = set()
    for path in (PROJECT_ROOT / "actions").glob("*.py"):
        used |= set(re.findall(r'response="(utter_[a-z_]+)"', path.read_text()))
    assert used and used <= set(DOMAIN["responses"])


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
