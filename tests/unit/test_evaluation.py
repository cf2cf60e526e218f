"""The evaluation's plain functions, and the separation of held-out and training data."""

from pathlib import Path

import pytest

from bot.evaluation.metrics import Example, by_tag, predicted_key, summarise
from bot.evaluation.real_questions import load_items
from bot.evaluation.run import (
    DEV_BY_LANGUAGE,
    HELDOUT_BY_LANGUAGE,
    PROBES_BANGLA_VOICES,
    PROBES_CLINICAL_EN,
    PROBES_EVERY_GROUP,
    PROBES_EVERYDAY,
    PROBES_FORUM_POSTS_EN,
    PROBES_FORUM_VOICES,
    PROBES_FRESH_EYES,
    PROBES_HEADINGS,
    PROBES_INSCOPE_BN,
    PROBES_INSCOPE_EN,
    PROBES_KINDS,
    PROBES_LAST_CHECK,
    PROBES_LONG_STORIES,
    PROBES_MEANING_EN,
    PROBES_NEAR_MISSES,
    PROBES_REAL_STYLE_BN,
    PROBES_REAL_STYLE_EN,
    PROBES_STORIES_EN,
    PROBES_URGENT,
    PROBES_URGENT_QUESTIONS,
    PROBES_WHATSAPP_BN,
    REAL_QUESTIONS_OUTSIDE,
    REAL_QUESTIONS_OUTSIDE_2,
    REAL_QUESTIONS_OUTSIDE_3,
    leaked,
    load_examples,
    training_texts,
)


@pytest.mark.parametrize("language", sorted(HELDOUT_BY_LANGUAGE))
def test_held_out_messages_are_not_in_the_training_data(language: str) -> None:
    examples = load_examples(HELDOUT_BY_LANGUAGE[language])
    assert len(examples) >= 150
    assert leaked(examples, training_texts()) == []


@pytest.mark.parametrize("language", sorted(HELDOUT_BY_LANGUAGE))
def test_held_out_sets_cover_every_contract_key(language: str) -> None:
    from tests.conftest import TEST_DATA, load_yaml

    contract = load_yaml(TEST_DATA / "contract_keys.yml")
    expected = {example.expected for example in load_examples(HELDOUT_BY_LANGUAGE[language])}
    assert set(contract["faq"]) | {"out_of_scope", "urgent_symptoms", "request_human"} <= expected


def test_leak_check_ignores_case_and_spacing() -> None:
    assert leaked([Example("What  is a VRO", "faq/vro_what_is")], {"what is a vro"}) == [
        "What  is a VRO"
    ]


@pytest.mark.parametrize(
    ("parse", "key"),
    [
        (
            {
                "intent": {"name": "faq"},
                "response_selector": {
                    "faq": {"response": {"intent_response_key": "faq/hip_anatomy"}}
                },
            },
            "faq/hip_anatomy",
        ),
        (
            {
                "intent": {"name": "faq"},
                "response_selector": {
                    "default": {"response": {"intent_response_key": "faq/dfo_types"}}
                },
            },
            "faq/dfo_types",
        ),
        ({"intent": {"name": "greet"}, "response_selector": {}}, "greet"),
        ({"intent": {"name": None}}, "nlu_fallback"),
    ],
)
def test_predicted_key(parse, key) -> None:
    assert predicted_key(parse) == key


def test_summary_figures() -> None:
    examples = [
        Example("a", "faq/vro_recovery"),
        Example("b", "faq/vro_recovery"),
        Example("c", "out_of_scope", ("near_miss",)),
        Example("d", "request_human", ("near_miss",)),
        Example("e", "urgent_symptoms"),
        Example("f", "urgent_symptoms"),
    ]
    predictions = [
        "faq/vro_recovery",
        "nlu_fallback",
        "faq/dfo_types",
        "request_human",
        "urgent_symptoms",
        "faq/vro_recovery",
    ]
    figures = summarise(examples, predictions)
    assert figures["in_scope_accuracy"] == pytest.approx(3 / 5)
    assert figures["faq_accuracy"] == pytest.approx(1 / 2)
    assert figures["faq_wrong_answer_rate"] == 0.0
    assert figures["out_of_scope_not_faq"] == pytest.approx(1 / 2)
    assert figures["urgent_recall"] == pytest.approx(1 / 2)
    assert figures["per_key"]["faq/vro_recovery"]["precision"] == pytest.approx(1 / 2)
    assert len(figures["errors"]) == 3
    assert by_tag(examples, predictions) == {"near_miss": 0.5}


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        summarise([Example("a", "greet")], [])


@pytest.mark.parametrize("language", sorted(DEV_BY_LANGUAGE))
def test_development_sets_share_nothing_with_training_or_held_out_data(language: str) -> None:
    examples = load_examples(DEV_BY_LANGUAGE[language])
    assert leaked(examples, training_texts()) == []
    held_out = {e.text for path in HELDOUT_BY_LANGUAGE.values() for e in load_examples(path)}
    assert [e.text for e in examples if e.text in held_out] == []


@pytest.mark.parametrize(
    "path",
    [
        REAL_QUESTIONS_OUTSIDE,
        REAL_QUESTIONS_OUTSIDE_2,
        REAL_QUESTIONS_OUTSIDE_3,
        PROBES_INSCOPE_EN,
        PROBES_INSCOPE_BN,
        PROBES_NEAR_MISSES,
        PROBES_REAL_STYLE_BN,
        PROBES_REAL_STYLE_EN,
        PROBES_URGENT,
        PROBES_EVERYDAY,
        PROBES_LONG_STORIES,
        PROBES_HEADINGS,
        PROBES_EVERY_GROUP,
        PROBES_FORUM_VOICES,
        PROBES_STORIES_EN,
        PROBES_WHATSAPP_BN,
        PROBES_LAST_CHECK,
        PROBES_FRESH_EYES,
        PROBES_KINDS,
        PROBES_CLINICAL_EN,
        PROBES_FORUM_POSTS_EN,
        PROBES_URGENT_QUESTIONS,
        PROBES_BANGLA_VOICES,
        PROBES_MEANING_EN,
    ],
    ids=lambda p: p.stem,
)
def test_the_outside_checks_are_not_trained_on_and_use_known_keys(path: Path) -> None:
    from tests.conftest import TEST_DATA, load_yaml

    items = load_items(path)
    # The second and third outside checks are small: the stored pages held few more real
    # questions that no other set holds.
    small = (REAL_QUESTIONS_OUTSIDE_2, REAL_QUESTIONS_OUTSIDE_3)
    assert len(items) >= (30 if path in small else 40)
    examples = [Example(item.text, item.label) for item in items]
    assert leaked(examples, training_texts()) == []
    contract = load_yaml(TEST_DATA / "contract_keys.yml")
    known = set(contract["faq"]) | {"out_of_scope", "urgent_symptoms", "request_human"}
    assert {key for item in items for key in (item.label, *item.also)} <= known
