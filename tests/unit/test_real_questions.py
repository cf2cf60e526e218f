"""Scoring labelled real questions: figures, lengths, calibration."""

from pathlib import Path

import pytest

from bot.evaluation.metrics import wilson_interval
from bot.evaluation.real_questions import (
    Item,
    Outcome,
    by_length,
    figures,
    interval,
    load_items,
    reliability,
    render,
    report,
)


def evidence(label: str, confidence: float, neighbour: str = "", similarity: float = 0.5):
    parse = {
        "topic_evidence": {
            "linear_label": label,
            "linear_confidence": confidence,
            "neighbour_label": neighbour or label,
            "neighbour_similarity": similarity,
            "out_of_domain": [],
        }
    }
    if label.startswith("faq/"):
        # The topic classifier's selector picks the linear model's best FAQ key.
        parse["response_selector"] = {
            "faq": {"response": {"intent_response_key": label, "confidence": confidence}}
        }
    return parse


def outcome(label: str, predicted: str, text: str = "a short question", **parse) -> Outcome:
    intent = "faq" if predicted.startswith("faq/") else predicted
    return Outcome(Item(text, label), predicted, {"intent": {"name": intent}, **parse})


def test_items_needing_earlier_conversation_are_not_scored(tmp_path: Path) -> None:
    path = tmp_path / "set.yml"
    path.write_text(
        "items:\n"
        '- {text: "What is a DFO?", label: faq/dfo_what_is, lang: en}\n'
        '- {text: "How is it done?", label: faq/dfo_what_is, context_free: true}\n'
        "- {text: eta ki, label: faq/vro_what_is, also: [faq/osteotomy_meaning], lang: bn_latn}\n"
    )
    items = load_items(path)
    assert [item.text for item in items] == ["What is a DFO?", "eta ki"]
    assert items[1].accepted == {"faq/vro_what_is", "faq/osteotomy_meaning"}


def test_a_set_without_items_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "set.yml"
    path.write_text("messages: []\n")
    with pytest.raises(SystemExit):
        load_items(path)


def test_a_clarifying_question_is_not_right_but_not_wrong_either() -> None:
    outcomes = [
        outcome("faq/dfo_what_is", "faq/dfo_what_is"),
        outcome("faq/dfo_what_is", "nlu_fallback"),
        outcome("faq/dfo_what_is", "faq/dfo_types"),
        outcome("out_of_scope", "faq/vro_hardware"),
        outcome("request_human", "beyond_sources"),
        outcome("urgent_symptoms", "urgent_symptoms"),
    ]
    result = figures(outcomes)
    assert result["in_scope_right"] == pytest.approx(1 / 3)
    assert result["wrong_answers"] == pytest.approx(2 / 6)
    low, high = result["in_scope_right_interval"]
    assert low < 1 / 3 < high
    low, high = result["wrong_answers_interval"]
    assert low < 2 / 6 < high
    assert result["oos_not_answered"] == 0.0
    assert result["beyond_sources_not_answered"] == 1.0
    assert result["urgent_recall"] == 1.0


def test_lengths_are_binned_in_words() -> None:
    long_text = " ".join(["word"] * 45)
    outcomes = [
        outcome("faq/dfo_what_is", "faq/dfo_what_is", "one two three"),
        outcome("faq/dfo_what_is", "faq/dfo_types", long_text),
    ]
    bins = by_length(outcomes)
    assert bins["1-10"] == {"messages": 1, "right": 1.0, "wrong_answers": 0.0}
    assert bins["26-60"] == {"messages": 1, "right": 0.0, "wrong_answers": 1.0}
    assert figures(outcomes)["long_messages_right"] == 0.0


def test_calibration_replays_the_answer_decision() -> None:
    unsure = outcome(
        "faq/vro_recovery", "nlu_fallback", **evidence("faq/vro_recovery", 0.45, similarity=0.4)
    )
    wrong = outcome("faq/vro_recovery", "faq/vro_hardware", **evidence("faq/vro_hardware", 0.95))
    result = report([unsure, wrong], leaked=0, set_name="test")
    by_setting = {
        (row["answer_threshold"], row["confident_threshold"]): row for row in result["calibration"]
    }
    assert by_setting[(0.4, 1.01)]["in_scope_right"] == 0.5
    assert by_setting[(0.5, 1.01)]["in_scope_right"] == 0.0
    assert by_setting[(0.5, 1.01)]["wrong_answers"] == 0.5
    assert "Calibration" in render(result)
    assert "95% interval" in render(result)


def test_reliability_counts_the_linear_models_faq_labels() -> None:
    outcomes = [
        outcome("faq/a", "faq/a", **evidence("faq/a", 0.95)),
        outcome("faq/a", "faq/b", **evidence("faq/b", 0.92)),
        outcome("greet", "greet", **evidence("greet", 0.99)),
    ]
    top = [row for row in reliability(outcomes) if row["confidence"] == "0.9-1.0"][0]
    assert top == {"confidence": "0.9-1.0", "messages": 2, "label_acceptable": 0.5}


def test_an_unsure_turn_counts_as_offered_when_its_buttons_hold_the_right_topic() -> None:
    def ranking(*keys: str) -> dict:
        return {
            "response_selector": {
                "faq": {
                    "ranking": [
                        {"intent_response_key": key, "confidence": 0.3 - 0.05 * index}
                        for index, key in enumerate(keys)
                    ]
                }
            }
        }

    outcomes = [
        outcome(
            "faq/dfo_purpose", "nlu_fallback", **ranking("faq/dfo_symptoms", "faq/dfo_purpose")
        ),
        outcome("faq/dfo_purpose", "nlu_fallback", **ranking("faq/dfo_symptoms", "faq/dfo_types")),
        # Offered only by a clarifying turn: an answer is right or wrong, never "offered".
        outcome("faq/dfo_purpose", "faq/dfo_types", **ranking("faq/dfo_types", "faq/dfo_purpose")),
        outcome("faq/dfo_what_is", "faq/dfo_what_is"),
    ]
    assert [o.offered for o in outcomes] == [True, False, False, False]
    result = figures(outcomes)
    assert result["in_scope_right"] == pytest.approx(1 / 4)
    assert result["in_scope_right_or_offered"] == pytest.approx(2 / 4)


@pytest.mark.parametrize(
    "hits, total, low, high",
    [
        # Wilson's interval at one half: 0.5 -/+ 0.0962 for 100 messages.
        (50, 100, 0.4038, 0.5962),
        # None right of ten: from 0 up to z^2 / (n + z^2).
        (0, 10, 0.0, 3.8415 / 13.8415),
        (10, 10, 10 / 13.8415, 1.0),
    ],
)
def test_the_interval_is_wilsons(hits: int, total: int, low: float, high: float) -> None:
    assert wilson_interval(hits, total) == pytest.approx((low, high), abs=1e-4)


def test_no_messages_have_no_interval() -> None:
    assert wilson_interval(0, 0) is None
    assert interval(None) == "-"
    assert interval((0.7249, 0.8849)) == "72-88%"
