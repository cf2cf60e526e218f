"""Which FAQ answer a message gets: one rule for the action, the review and the evaluation."""

import subprocess
import sys
from typing import Any, Dict, List, Optional

import pytest

from bot.evaluation.metrics import predicted_key
from bot.evaluation.thresholds import Thresholds, replay
from bot.faq_choice import (
    DEFAULT_SELECTOR,
    FaqChoice,
    button_topic,
    chosen_answer,
    chosen_faq_key,
    faq_message_answer,
    intent_name,
)
from bot.review.turns import answer_choice


def parse(
    intent: Optional[str] = "faq",
    key: Optional[str] = "faq/vro_recovery",
    confidence: float = 0.8,
    entities: Optional[List[Any]] = None,
    selector: str = "faq",
) -> Dict[str, Any]:
    """A parse result shaped as the topic classifier writes it."""
    data: Dict[str, Any] = {
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
    }
    if key is not None:
        data["response_selector"] = {
            "all_retrieval_intents": ["faq"],
            selector: {
                "response": {"intent_response_key": key, "confidence": confidence},
                "ranking": [{"intent_response_key": key, "confidence": confidence}],
            },
        }
        data["topic_evidence"] = {
            "linear_label": key,
            "linear_confidence": 0.95,
            "neighbour_label": key,
            "neighbour_similarity": 0.5,
            "out_of_domain": [],
        }
    return data


def topic(value: Any) -> List[Dict[str, Any]]:
    return [{"entity": "faq_topic", "value": value}]


def test_a_typed_question_gets_the_selectors_pick() -> None:
    assert chosen_answer(parse()) == FaqChoice("faq/vro_recovery", 0.8)
    assert chosen_faq_key(parse()) == "faq/vro_recovery"


def test_a_topic_button_wins_over_the_selector() -> None:
    choice = chosen_answer(parse(entities=topic("hip_anatomy")))
    assert choice == FaqChoice("faq/hip_anatomy", None, from_button=True)
    assert button_topic({"entities": topic("hip_anatomy")}) == "hip_anatomy"


def test_only_a_message_understood_as_faq_gets_an_answer() -> None:
    for intent in ("nlu_fallback", "out_of_scope", "urgent_symptoms", "tell_me_more", None):
        assert chosen_answer(parse(intent)) is None
        assert chosen_answer(parse(intent, entities=topic("hip_anatomy"))) is None
    # The action checks no intent: its rule (intent: faq) already did.
    assert faq_message_answer(parse("nlu_fallback")) == FaqChoice("faq/vro_recovery", 0.8)


def test_topic_values_follow_the_action() -> None:
    # An empty topic names nothing; any other value is the topic, as a string.
    assert chosen_faq_key(parse(entities=topic(""))) == "faq/vro_recovery"
    assert chosen_faq_key(parse(entities=topic(None) + topic("dfo_types"))) == "faq/dfo_types"
    assert chosen_faq_key(parse(entities=topic(7))) == "faq/7"
    assert chosen_faq_key(parse(entities=[{"entity": "name", "value": "x"}])) == (
        "faq/vro_recovery"
    )


def test_no_answer_without_a_selector_key() -> None:
    assert chosen_answer(parse(key=None)) is None
    assert chosen_answer({**parse(), "response_selector": {"faq": {}}}) is None
    assert chosen_answer(parse(key="")) is None


def test_the_default_pipelines_selector_is_read_only_when_asked() -> None:
    stock = parse(selector=DEFAULT_SELECTOR)
    assert chosen_faq_key(stock) is None
    assert chosen_faq_key(stock, ("faq", DEFAULT_SELECTOR)) == "faq/vro_recovery"
    # Ours comes first when both are there.
    both = parse()
    both["response_selector"][DEFAULT_SELECTOR] = {
        "response": {"intent_response_key": "faq/dfo_types"}
    }
    assert chosen_faq_key(both, ("faq", DEFAULT_SELECTOR)) == "faq/vro_recovery"


def test_stored_parse_data_of_any_shape_is_read_without_error() -> None:
    assert chosen_answer({}) is None
    assert chosen_answer({"intent": "faq"}) is None
    assert intent_name({"intent": {"name": 3}}) is None
    odd = {"intent": {"name": "faq"}, "entities": ["faq_topic", 3], "response_selector": []}
    assert chosen_answer(odd) is None
    no_confidence = parse()
    del no_confidence["response_selector"]["faq"]["response"]["confidence"]
    assert chosen_answer(no_confidence) == FaqChoice("faq/vro_recovery", None)


@pytest.mark.parametrize(
    "message",
    [
        parse(),
        parse(entities=topic("hip_anatomy")),
        parse(entities=topic(7)),
        parse(entities=topic("") + topic("dfo_types")),
        parse(key=None, entities=topic("hip_anatomy")),
    ],
)
def test_the_action_the_review_and_the_evaluation_agree(message: Dict[str, Any]) -> None:
    # What action_answer_faq reads (its rule has checked the intent).
    choice = faq_message_answer(message)
    assert choice is not None
    sent = choice.key
    assert answer_choice(message)[0] == sent
    assert predicted_key(message) == sent
    if "topic_evidence" in message:
        assert replay(message, Thresholds(0.5, 0.9)) == sent


def test_a_message_that_is_no_faq_question_gets_no_answer_anywhere() -> None:
    message = parse("out_of_scope", entities=topic("hip_anatomy"))
    assert answer_choice(message) == (None, None)
    assert predicted_key(message) == "out_of_scope"
    assert replay(message, Thresholds(0.5, 0.9)) == "out_of_scope"


def test_the_rule_and_the_intent_names_load_no_rasa_code() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, bot.faq_choice, bot.intents, bot.responses; "
            "print(sorted({m.split('.')[0] for m in sys.modules}))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "'rasa'" not in loaded and "'rasa_sdk'" not in loaded and "'sanic'" not in loaded
