"""The fallback classifier that also respects the ResponseSelector's confidence."""

from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.response_aware_fallback import (
    ResponseAwareFallbackClassifier,
    response_confidences,
)

CONFIG = {
    "threshold": 0.5,
    "ambiguity_threshold": 0.1,
    "response_threshold": 0.4,
    "response_ambiguity_threshold": 0.1,
}


def parsed_message(
    intent: str,
    confidence: float,
    runner_up: float = 0.0,
    answers: Optional[List[Tuple[str, float]]] = None,
    status: str = "ok",
    red_flags: Optional[List[str]] = None,
) -> Message:
    """A message as DIET, the ResponseSelector and the input guard leave it."""
    data: Dict[str, Any] = {
        "text": "some text",
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [
            {"name": intent, "confidence": confidence},
            {"name": "out_of_scope", "confidence": runner_up},
        ],
        "input_check": {"status": status, "original_length": 9},
    }
    if answers:
        data["response_selector"] = {
            "faq": {
                "response": {
                    "intent_response_key": answers[0][0],
                    "confidence": answers[0][1],
                },
                "ranking": [
                    {"intent_response_key": key, "confidence": value} for key, value in answers
                ],
            }
        }
    if red_flags is not None:
        data["red_flags"] = red_flags
    return Message(data=data)


def predicted(message: Message) -> str:
    classifier = ResponseAwareFallbackClassifier(
        {**ResponseAwareFallbackClassifier.get_default_config(), **CONFIG}
    )
    return classifier.process([message])[0].get("intent")["name"]


def test_confident_intent_and_answer_is_kept() -> None:
    message = parsed_message(
        "faq", 0.95, 0.02, [("faq/vro_recovery", 0.9), ("faq/vro_hardware", 0.05)]
    )
    assert predicted(message) == "faq"


def test_confident_intent_with_unsure_answer_falls_back() -> None:
    message = parsed_message(
        "faq", 0.97, 0.01, [("faq/vro_recovery", 0.3), ("faq/vro_hardware", 0.25)]
    )
    assert predicted(message) == "nlu_fallback"


def test_two_answers_nearly_tied_fall_back() -> None:
    message = parsed_message(
        "faq", 0.97, 0.01, [("faq/dfo_purpose", 0.48), ("faq/dfo_vs_replacement", 0.45)]
    )
    assert predicted(message) == "nlu_fallback"


def test_low_intent_confidence_falls_back_as_in_rasa() -> None:
    assert predicted(parsed_message("greet", 0.3, 0.2)) == "nlu_fallback"


def test_non_retrieval_intent_ignores_missing_selector() -> None:
    assert predicted(parsed_message("greet", 0.9, 0.05)) == "greet"


@pytest.mark.parametrize("status", ["empty", "no_words", "too_long"])
def test_unreadable_input_falls_back(status: str) -> None:
    assert predicted(parsed_message("greet", 0.99, 0.0, status=status)) == "nlu_fallback"


def test_red_flag_decision_is_never_overridden() -> None:
    message = parsed_message(
        "urgent_symptoms", 1.0, 0.0, status="too_long", red_flags=["chest_pain"]
    )
    assert predicted(message) == "urgent_symptoms"


def test_response_confidences_reads_ranking() -> None:
    data = parsed_message("faq", 0.9, 0.1, [("faq/a", 0.7), ("faq/b", 0.2)]).data
    assert response_confidences(data, "faq") == (0.7, 0.2)
    assert response_confidences(data, "other") is None
