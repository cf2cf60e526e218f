"""The rule-based red-flag detector.

The parametrised phrasings come from tests/data/red_flag_phrasings.yml, written
separately from the rules by someone who did not see them.
"""

from typing import List

import pytest
from spacy.language import Language

from bot.nlu import red_flags
from bot.nlu.red_flags import detect_red_flags
from tests.conftest import TEST_DATA, load_yaml

PHRASINGS = load_yaml(TEST_DATA / "red_flag_phrasings.yml")


@pytest.mark.parametrize("text", PHRASINGS["urgent"])
def test_unseen_urgent_phrasings_are_flagged(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)), text


@pytest.mark.parametrize("text", PHRASINGS["not_urgent"])
def test_unseen_ordinary_questions_are_not_flagged(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == [], text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("his wound is leaking and smells bad", [red_flags.WOUND_PROBLEM]),
        ("she has a high fever since last night", [red_flags.HIGH_FEVER]),
        ("her temperature is 39.5", [red_flags.HIGH_FEVER]),
        ("my calf is swollen and painful", [red_flags.CALF_SWELLING]),
        ("I suddenly feel a tight chest", [red_flags.CHEST_PAIN]),
        ("he cannot breathe properly", [red_flags.BREATHLESSNESS]),
        ("his foot is cold and white", [red_flags.LIMB_CIRCULATION]),
        ("she can't feel her toes", [red_flags.LIMB_CIRCULATION]),
        ("my son fell on the leg that was operated", [red_flags.FALL_AFTER_SURGERY]),
    ],
)
def test_each_red_flag_has_its_own_name(nlp: Language, text: str, expected: List[str]) -> None:
    assert detect_red_flags(nlp(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "no fever and the wound is not red",
        "the wound looks clean, without any discharge",
        "there is no swelling in his calf",
    ],
)
def test_negated_signs_are_not_flagged(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == []


def test_general_question_about_warning_signs_is_not_a_report(nlp: Language) -> None:
    assert detect_red_flags(nlp("what are the warning signs of wound infection?")) == []


def test_breathing_trouble_is_flagged_even_inside_a_question(nlp: Language) -> None:
    text = "what are the signs of a problem, he is short of breath since this morning"
    assert red_flags.BREATHLESSNESS in detect_red_flags(nlp(text))


def test_red_flag_in_second_sentence_is_found(nlp: Language) -> None:
    text = "We had the VRO done last month. Today her toes are blue."
    assert detect_red_flags(nlp(text)) == [red_flags.LIMB_CIRCULATION]


@pytest.mark.parametrize(
    "text",
    [
        "can you help my son his toes are blue and cold",
        "could someone please help her wound is leaking",
        "can u tell me what to do, he has a high fever after the VRO",
    ],
)
def test_a_plea_for_help_is_not_a_general_question(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text))


@pytest.mark.parametrize(
    "text",
    ["will I get a fever after the operation?", "can a fall after the operation move the plate?"],
)
def test_what_might_happen_is_not_a_report(nlp: Language, text: str) -> None:
    assert detect_red_flags(nlp(text)) == []
