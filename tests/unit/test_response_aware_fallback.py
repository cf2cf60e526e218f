"""The fallback classifier that gives an FAQ answer only when two models agree."""

from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.response_aware_fallback import (
    ResponseAwareFallbackClassifier,
    answer_is_supported,
)

CONFIG = {
    "threshold": 0.5,
    "ambiguity_threshold": 0.1,
    "answer_threshold": 0.3,
    "similarity_threshold": 0.2,
    "confident_threshold": 0.9,
}


def evidence(
    linear: str = "faq/vro_recovery",
    confidence: float = 0.8,
    neighbour: str = "faq/vro_recovery",
    similarity: float = 0.5,
) -> Dict[str, Any]:
    """A ``topic_evidence`` property as the topic classifier writes it."""
    return {
        "linear_label": linear,
        "linear_confidence": confidence,
        "neighbour_label": neighbour,
        "neighbour_similarity": similarity,
        "question_focus": False,
        "out_of_domain": [],
    }


def parsed_message(
    intent: str,
    confidence: float,
    runner_up: float = 0.0,
    answers: Optional[List[Tuple[str, float]]] = None,
    status: str = "ok",
    red_flags: Optional[List[str]] = None,
    topic_evidence: Optional[Dict[str, Any]] = None,
) -> Message:
    """A message as the topic classifier, the red-flag rules and the input guard leave it."""
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
    if topic_evidence is not None:
        data["topic_evidence"] = topic_evidence
    return Message(data=data)


def predicted(message: Message) -> str:
    classifier = ResponseAwareFallbackClassifier(
        {**ResponseAwareFallbackClassifier.get_default_config(), **CONFIG}
    )
    return classifier.process([message])[0].get("intent")["name"]


def faq_message(topic_evidence: Optional[Dict[str, Any]]) -> Message:
    return parsed_message(
        "faq", 0.95, 0.02, [("faq/vro_recovery", 0.9)], topic_evidence=topic_evidence
    )


def test_an_answer_both_models_agree_on_is_kept() -> None:
    assert predicted(faq_message(evidence())) == "faq"


def test_models_that_disagree_fall_back_unless_the_linear_model_is_very_sure() -> None:
    disagreeing = evidence(confidence=0.89, neighbour="faq/vro_hardware", similarity=0.9)
    assert predicted(faq_message(disagreeing)) == "nlu_fallback"
    very_sure = evidence(confidence=0.9, neighbour="faq/vro_hardware", similarity=0.9)
    assert predicted(faq_message(very_sure)) == "faq"


def test_a_nearly_as_close_linear_label_counts_as_agreement_only_when_allowed() -> None:
    near = {
        **evidence(confidence=0.5, neighbour="faq/vro_hardware", similarity=0.5),
        "linear_label_similarity": 0.45,
    }
    assert not answer_is_supported(near, 0.3, 0.2, 0.9)
    assert answer_is_supported(near, 0.3, 0.2, 0.9, agreement_ratio=0.9)
    assert not answer_is_supported(near, 0.3, 0.2, 0.9, agreement_ratio=0.95)
    far_from_everything = {**near, "neighbour_similarity": 0.2, "linear_label_similarity": 0.19}
    assert not answer_is_supported(far_from_everything, 0.3, 0.2, 0.9, agreement_ratio=0.9)


def test_near_agreement_needs_a_surer_linear_model() -> None:
    near = {
        **evidence(confidence=0.47, neighbour="faq/vro_hardware", similarity=0.5),
        "linear_label_similarity": 0.45,
    }
    exact = evidence(confidence=0.47)
    assert answer_is_supported(exact, 0.45, 0.2, 0.9, 0.8, near_answer_threshold=0.5)
    assert not answer_is_supported(near, 0.45, 0.2, 0.9, 0.8, near_answer_threshold=0.5)
    assert answer_is_supported(
        {**near, "linear_confidence": 0.5}, 0.45, 0.2, 0.9, 0.8, near_answer_threshold=0.5
    )


def test_an_unsure_linear_model_falls_back() -> None:
    assert predicted(faq_message(evidence(confidence=0.29))) == "nlu_fallback"


def test_an_answer_far_from_every_training_example_falls_back() -> None:
    assert predicted(faq_message(evidence(similarity=0.19))) == "nlu_fallback"


def test_an_faq_without_evidence_falls_back() -> None:
    assert predicted(faq_message(None)) == "nlu_fallback"


def test_evidence_for_a_plain_intent_never_supports_an_answer() -> None:
    plain = evidence(linear="beyond_sources", neighbour="beyond_sources")
    assert not answer_is_supported(plain, 0.3, 0.2)
    assert answer_is_supported(evidence(), 0.3, 0.2)


def test_low_intent_confidence_falls_back_as_in_rasa() -> None:
    assert predicted(parsed_message("greet", 0.3, 0.2)) == "nlu_fallback"


def test_a_confident_plain_intent_is_kept() -> None:
    assert predicted(parsed_message("greet", 0.9, 0.05)) == "greet"


@pytest.mark.parametrize("intent", ["greet", "goodbye", "thank"])
def test_small_talk_needs_more_confidence_than_other_plain_intents(intent: str) -> None:
    # Above Rasa's threshold (0.5 here) but below the social one (0.6): a
    # question read as "goodbye" would end the conversation.
    config = {**CONFIG, "social_threshold": 0.6}
    classifier = ResponseAwareFallbackClassifier(
        {**ResponseAwareFallbackClassifier.get_default_config(), **config}
    )
    unsure = classifier.process([parsed_message(intent, 0.55, 0.1)])[0]
    sure = classifier.process([parsed_message(intent, 0.65, 0.1)])[0]
    other = classifier.process([parsed_message("request_human", 0.55, 0.1)])[0]
    assert unsure.get("intent")["name"] == "nlu_fallback"
    assert sure.get("intent")["name"] == intent
    assert other.get("intent")["name"] == "request_human"


@pytest.mark.parametrize("status", ["empty", "no_words", "too_long"])
def test_unreadable_input_falls_back(status: str) -> None:
    assert predicted(parsed_message("greet", 0.99, 0.0, status=status)) == "nlu_fallback"


def test_a_long_message_read_in_part_is_classified() -> None:
    assert predicted(parsed_message("greet", 0.99, 0.0, status="read_in_part")) == "greet"


def test_red_flag_decision_is_never_overridden() -> None:
    message = parsed_message(
        "urgent_symptoms", 1.0, 0.0, status="too_long", red_flags=["chest_pain"]
    )
    assert predicted(message) == "urgent_symptoms"


def test_examples_close_in_meaning_can_stand_in_for_the_neighbour_model() -> None:
    unsure = {
        **evidence(confidence=0.3, neighbour="faq/vro_hardware", similarity=0.4),
        "sentence_label": "faq/vro_recovery",
        "sentence_similarity": 0.7,
    }
    assert answer_is_supported(unsure, 0.45, 0.2, 0.9, sentence_threshold=0.6)
    # Not asked for, not close enough, or another label: the two models decide.
    assert not answer_is_supported(unsure, 0.45, 0.2, 0.9)
    assert not answer_is_supported(unsure, 0.45, 0.2, 0.9, sentence_threshold=0.75)
    other = {**unsure, "sentence_label": "faq/vro_hardware"}
    assert not answer_is_supported(other, 0.45, 0.2, 0.9, sentence_threshold=0.6)


def test_a_message_without_a_sentence_reading_keeps_the_two_model_decision() -> None:
    # Bangla messages are not read by the sentence encoder: no label, no similarity.
    unread = {**evidence(confidence=0.3), "sentence_label": None, "sentence_similarity": None}
    assert not answer_is_supported(unread, 0.45, 0.2, 0.9, sentence_threshold=0.6)


def test_sentence_agreement_on_a_plain_intent_is_never_an_answer() -> None:
    plain = {
        **evidence(linear="beyond_sources", neighbour="beyond_sources"),
        "sentence_label": "beyond_sources",
        "sentence_similarity": 0.95,
    }
    assert not answer_is_supported(plain, 0.3, 0.2, sentence_threshold=0.6)


def test_the_pipeline_setting_reaches_the_decision() -> None:
    classifier = ResponseAwareFallbackClassifier(
        {
            **ResponseAwareFallbackClassifier.get_default_config(),
            **CONFIG,
            "answer_threshold": 0.45,
            "sentence_threshold": 0.6,
        }
    )
    unsure = {
        **evidence(confidence=0.3, neighbour="faq/vro_hardware", similarity=0.4),
        "sentence_label": "faq/vro_recovery",
        "sentence_similarity": 0.7,
    }
    message = classifier.process([faq_message(unsure)])[0]
    assert message.get("intent")["name"] == "faq"
    assert predicted(faq_message(unsure)) == "nlu_fallback"


@pytest.mark.parametrize("intent", ["faq", "request_human", "greet"])
def test_the_same_question_of_the_other_operation_is_left_to_the_dialogue(intent: str) -> None:
    # "What about the hip?" was the hip's parts at 0.94; after the knee's
    # recovery answer it asks the hip's recovery (action_clarify reads it).
    message = parsed_message(intent, 0.99, 0.0, answers=[("faq/hip_anatomy", 0.99)])
    message.set("text", "what about the hip?")
    assert predicted(message) == "nlu_fallback"


def test_a_bot_challenge_reading_needs_words_about_who_answers_or_a_rules_kind() -> None:
    # "Is this operation safe?" read as bot_challenge: not trusted.
    guessed = parsed_message("bot_challenge", 0.9, 0.0)
    guessed.set("text", "is this operation safe?")
    assert predicted(guessed) == "nlu_fallback"
    asked = parsed_message("bot_challenge", 0.9, 0.0)
    asked.set("text", "are you a bot?")
    assert predicted(asked) == "bot_challenge"
    # unanswered_kinds.yml about_sources sent it there, with no such word.
    routed = parsed_message(
        "bot_challenge", 1.0, 0.0, topic_evidence={"unanswered_kind": "about_sources"}
    )
    routed.set("text", "where does this information come from?")
    assert predicted(routed) == "bot_challenge"
