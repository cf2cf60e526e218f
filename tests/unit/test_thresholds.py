"""Replaying the fallback decision under other thresholds."""

from bot.evaluation.thresholds import Thresholds, grid, replay


def parse(intents, answers=None, **extra):
    data = {"intent_ranking": [{"name": n, "confidence": c} for n, c in intents], **extra}
    if answers is not None:
        data["response_selector"] = {
            "faq": {
                "response": {"intent_response_key": answers[0][0]},
                "ranking": [{"intent_response_key": k, "confidence": c} for k, c in answers],
            }
        }
    return data


def test_a_confident_answer_is_kept_and_an_unsure_one_falls_back() -> None:
    message = parse([("faq", 0.9), ("greet", 0.05)], [("faq/vro_what_is", 0.35), ("faq/x", 0.1)])
    assert replay(message, Thresholds(0.5, 0.3)) == "faq/vro_what_is"
    assert replay(message, Thresholds(0.5, 0.4)) == "nlu_fallback"


def test_the_models_own_fallback_is_replayed_from_the_ranking_below_it() -> None:
    message = parse([("nlu_fallback", 0.5), ("greet", 0.45), ("thank", 0.1)])
    assert replay(message, Thresholds(0.5, 0.3)) == "nlu_fallback"
    assert replay(message, Thresholds(0.4, 0.3)) == "greet"


def test_close_intents_and_unreadable_input_fall_back_and_red_flags_never_do() -> None:
    assert replay(parse([("greet", 0.5), ("thank", 0.45)]), Thresholds(0.3, 0.3)) == "nlu_fallback"
    unreadable = parse([("greet", 0.9)], input_check={"status": "empty"})
    assert replay(unreadable, Thresholds(0.3, 0.3)) == "nlu_fallback"
    urgent = parse([("urgent_symptoms", 0.2), ("faq", 0.19)], red_flags=["high_fever"])
    assert replay(urgent, Thresholds(0.5, 0.5)) == "urgent_symptoms"


def test_the_grid_tries_every_combination() -> None:
    assert len(grid((0.3, 0.4), (0.2, 0.3, 0.4))) == 6
