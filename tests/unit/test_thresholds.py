"""Replaying the answer decision under other thresholds."""

from bot.evaluation.thresholds import Thresholds, grid, replay


def parse(intent, linear=None, confidence=0.0, neighbour=None, similarity=0.0, **extra):
    data = {"intent": {"name": intent, "confidence": 0.9}, **extra}
    if linear is not None:
        data["topic_evidence"] = {
            "linear_label": linear,
            "linear_confidence": confidence,
            "neighbour_label": neighbour or linear,
            "neighbour_similarity": similarity,
            "out_of_domain": extra.pop("out_of_domain", []),
        }
        if linear.startswith("faq/"):
            # The topic classifier's selector picks the linear model's best FAQ key.
            data["response_selector"] = selector(linear, confidence)
    return data


def selector(key, confidence=1.0):
    return {"faq": {"response": {"intent_response_key": key, "confidence": confidence}}}


def test_an_answer_is_replayed_from_the_evidence() -> None:
    agreeing = parse("faq", "faq/vro_what_is", 0.55, similarity=0.4)
    assert replay(agreeing, Thresholds(0.5, 0.9)) == "faq/vro_what_is"
    assert replay(agreeing, Thresholds(0.6, 0.9)) == "nlu_fallback"
    # The assistant fell back, but a lower threshold would have answered.
    assert replay({**agreeing, "intent": {"name": "nlu_fallback"}}, Thresholds(0.5, 0.9)) == (
        "faq/vro_what_is"
    )


def test_a_very_sure_linear_model_answers_alone_unless_switched_off() -> None:
    sure = parse("faq", "faq/dfo_types", 0.85, neighbour="faq/dfo_what_is", similarity=0.5)
    assert replay(sure, Thresholds(0.5, 0.8)) == "faq/dfo_types"
    assert replay(sure, Thresholds(0.5, 1.01)) == "nlu_fallback"


def test_plain_intents_unreadable_input_and_red_flags_keep_their_verdict() -> None:
    assert replay(parse("greet", "greet", 0.9), Thresholds(0.5, 0.8)) == "greet"
    unreadable = parse("greet", input_check={"status": "empty"})
    assert replay(unreadable, Thresholds(0.3, 0.8)) == "nlu_fallback"
    urgent = parse("urgent_symptoms", "faq/vro_recovery", 0.9, red_flags=["high_fever"])
    assert replay(urgent, Thresholds(0.5, 0.8)) == "urgent_symptoms"


def test_other_joints_stay_out_of_scope() -> None:
    outside = parse("out_of_scope", "faq/vro_hardware", 0.95, similarity=0.5)
    assert replay(outside, Thresholds(0.2, 0.7)) == "out_of_scope"


def test_the_grid_tries_every_combination() -> None:
    # Full agreement: one row per combination; near agreement: one per floor.
    assert len(grid((0.3, 0.4), (0.7, 0.8, 1.01), (1.0, 0.9), (None,))) == 6 + 6 * 3
    assert len(grid((0.3, 0.4), (0.7, 0.8, 1.01), (1.0, 0.9), (None, 0.6))) == 2 * (6 + 6 * 3)
    assert Thresholds(0.5, 1.01).label() == "0.50 / 0.2 / off / 1.0"
    nears = grid((0.4,), (0.7,), (0.8,), (None,))
    assert [near.near_answer for near in nears] == [0.5, 0.55, 0.6]
    assert nears[1].label() == "0.40 / 0.2 / 0.7 / 0.8 (0.55)"
    assert Thresholds(0.45, 0.7, sentence=0.6).label() == "0.45 / 0.2 / 0.7 / 1.0 + meaning 0.60"
    # A near-agreement floor is never below the answer threshold itself.
    assert [near.near_answer for near in grid((0.55,), (0.7,), (0.8,), (None,))] == [0.55, 0.6]


def test_the_sentence_neighbours_answer_only_where_the_setting_uses_them() -> None:
    unsure = {
        **parse("faq", "faq/vro_what_is", 0.3, neighbour="faq/vro_hardware", similarity=0.4),
    }
    unsure["topic_evidence"] = {
        **unsure["topic_evidence"],
        "sentence_label": "faq/vro_what_is",
        "sentence_similarity": 0.7,
    }
    assert replay(unsure, Thresholds(0.45, 0.9)) == "nlu_fallback"
    assert replay(unsure, Thresholds(0.45, 0.9, sentence=0.6)) == "faq/vro_what_is"
    assert replay(unsure, Thresholds(0.45, 0.9, sentence=0.75)) == "nlu_fallback"
