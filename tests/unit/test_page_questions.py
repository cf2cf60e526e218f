"""Questions that name no operation, scored as the dialogue reads them on their operation's page."""

from pathlib import Path
from typing import Any, Dict

import pytest

from bot.evaluation.page_questions import (
    NO_PAGE,
    ON_ITS_PAGE,
    DialogueReading,
    dialogue_reading,
    page_figures,
)
from bot.evaluation.real_questions import load_items, render, report


def parsed(text: str, intent: str, *ranking: str, answer: str = "") -> Dict[str, Any]:
    """A parse as the NLU gives it: the intent, the FAQ ranking (likeliest first), the answer."""
    selector: Dict[str, Any] = {
        "ranking": [
            {"intent_response_key": key, "confidence": 0.4 - 0.1 * place}
            for place, key in enumerate(ranking)
        ]
    }
    if answer:
        selector["response"] = {"intent_response_key": answer, "confidence": 0.9}
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "response_selector": {"faq": selector},
        "topic_evidence": {"out_of_domain": []},
    }


def test_an_answer_is_read_in_the_pages_operation() -> None:
    parse = parsed("What does the surgery involve?", "faq", answer="faq/vro_what_is")
    assert dialogue_reading(parse, "knee") == DialogueReading("faq/dfo_what_is")
    assert dialogue_reading(parse, None) == DialogueReading("faq/vro_what_is")
    # The knee page has no downsides answer: "the page does not say", no answer.
    risks = parsed("What are the risks?", "faq", answer="faq/vro_disadvantages")
    assert dialogue_reading(risks, "knee") == DialogueReading(None)


def test_the_unsure_turns_topics_are_read_in_the_pages_operation() -> None:
    parse = parsed("Why is it necessary?", "nlu_fallback", "faq/dfo_purpose", "faq/knee_valgus")
    assert dialogue_reading(parse, "hip").offered == (
        "faq/vro_cerebral_palsy",
        "faq/hip_valgus_varus",
    )
    assert dialogue_reading(parse, None).offered == ("faq/dfo_purpose", "faq/knee_valgus")


def test_a_follow_up_read_as_out_of_scope_is_offered_topics_only_on_a_page() -> None:
    parse = parsed("How is it done?", "out_of_scope", "faq/dfo_what_is")
    assert dialogue_reading(parse, "knee") == DialogueReading(None, ("faq/dfo_what_is",))
    assert dialogue_reading(parse, None) == DialogueReading(None)


@pytest.mark.parametrize("reading", ["out_of_scope", "nlu_fallback"])
def test_is_it_safe_on_the_knees_page_offers_nothing_as_the_action_does(reading: str) -> None:
    # action_out_of_scope and action_clarify send "the pages do not say": the
    # knee page names no downsides.
    parse = parsed("is it safe?", reading, "faq/dfo_what_is")
    assert dialogue_reading(parse, "knee") == DialogueReading(None)
    on_the_hip = DialogueReading(None, ("faq/vro_disadvantages", "faq/vro_what_is"))
    assert dialogue_reading(parse, "hip") == on_the_hip


def test_figures_count_right_offered_and_wrong_on_each_way_of_asking() -> None:
    labelled = [
        (("faq/dfo_what_is",), parsed("What does it involve?", "faq", answer="faq/vro_what_is")),
        (("faq/dfo_what_is",), parsed("How is it done?", "out_of_scope", "faq/dfo_what_is")),
        # A label of both operations has no page to be asked on.
        (("faq/osteotomy_meaning",), parsed("What is it?", "faq", answer="faq/vro_what_is")),
    ]
    figures = page_figures(labelled)
    assert figures[ON_ITS_PAGE] == {
        "messages": 2, "right": 0.5, "right_or_offered": 1.0, "wrong_answers": 0.0,
    }  # fmt: skip
    assert figures[NO_PAGE] == {
        "messages": 2, "right": 0.0, "right_or_offered": 0.0, "wrong_answers": 0.5,
    }  # fmt: skip


def test_the_report_shows_both_ways_of_asking(tmp_path: Path) -> None:
    path = tmp_path / "set.yml"
    path.write_text(
        "items:\n"
        '- {text: "What is a DFO?", label: faq/dfo_what_is}\n'
        '- {text: "How is it done?", label: faq/dfo_what_is, context_free: true}\n'
    )
    assert [item.text for item in load_items(path, context_free=True)] == ["How is it done?"]
    result = report([], 0, "set.yml")
    result["page_questions"] = page_figures(
        [(("faq/dfo_what_is",), parsed("How is it done?", "out_of_scope", "faq/dfo_what_is"))]
    )
    text = render(result)
    assert f"  {ON_ITS_PAGE:24}   0.0% 100.0%   0.0% (1)" in text
    assert f"  {NO_PAGE:24}   0.0%   0.0%   0.0% (1)" in text
