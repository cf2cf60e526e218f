"""The clinic's contract for answer wording: it stays on the two source pages.

The phrase checks are a table (tests/data/source_wording.yml), each quoting the
source; the attribution follows how each page presents itself: the knee page
is the surgeon's own, the hip page a general patient page, not the clinic's.

Each answer is a short first part (utter_faq/<key>) and the rest on request
(utter_faq_more/<key>): the phrase checks read both parts together, and each
part names its source and is measured for length and reading grade.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from bot.evaluation.readability import (
    bangla_sentence_length,
    english_grade,
    response_grades,
    word_count,
)
from bot.evaluation.run import all_responses
from tests.conftest import TEST_DATA, load_yaml

RESPONSES: Dict[str, List[Dict[str, Any]]] = all_responses()
CHECKS: List[Dict[str, Any]] = load_yaml(TEST_DATA / "source_wording.yml")["checks"]
BN_CONDITION = [{"type": "slot", "name": "language", "value": "bn"}]
FAQ = sorted(name for name in RESPONSES if name.startswith("utter_faq/"))
MORE_PREFIX = "utter_faq_more/"
READING_GRADE_MAX = 8.0
FIRST_ANSWER_MAX_WORDS = 55  # both languages, the source note included
BANGLA_SENTENCE_MAX_WORDS = 15.0  # on average, per text

KNEE_NOTE_EN = "(From the surgeon's page on distal femoral osteotomy.)"
KNEE_NOTE_BN = "(সার্জনের নিজের DFO বিষয়ক পাতা থেকে।)"
HIP_NOTE_EN = re.compile(r"\(From a general patient page on [^)]+\.\)$")
HIP_NOTE_BN = re.compile(r"\([^)]*রোগীদের জন্য লেখা একটি সাধারণ পাতা থেকে।\)$")
CLINIC_PAGE = re.compile(r"clinic's (?:\w+ )*pages?\b|ক্লিনিকের [^।]*পাতা", re.IGNORECASE)


def english(name: str) -> Dict[str, Any]:
    return RESPONSES[name][0]


def bangla(name: str) -> Dict[str, Any]:
    found = [v for v in RESPONSES[name] if v.get("condition") == BN_CONDITION]
    return found[0] if found else RESPONSES[name][0]


def titles(name: str) -> List[str]:
    """Button titles and topic titles of both variations."""
    found: List[str] = []
    for variation in RESPONSES[name]:
        found += [button["title"] for button in variation.get("buttons") or []]
        metadata = variation.get("metadata") or {}
        found += [metadata[k] for k in ("topic_title", "topic_title_bn") if k in metadata]
    return found


def more_of(name: str) -> str:
    """``utter_faq/dfo_recovery`` -> ``utter_faq_more/dfo_recovery``."""
    return MORE_PREFIX + name.removeprefix("utter_faq/")


def parts(name: str) -> List[str]:
    """The response and, for an FAQ first answer, its rest."""
    return [name, more_of(name)] if name in FAQ else [name]


# Every FAQ response there is: first answers and their rests.
ALL_PARTS = [part for faq in FAQ for part in parts(faq) if part in RESPONSES]


def check_cases() -> Iterator[Tuple[str, Dict[str, Any]]]:
    for check in CHECKS:
        names = sorted(RESPONSES) if check["responses"] == ["*"] else check["responses"]
        for name in names:
            yield name, check


def source_of(name: str) -> str:
    return english(name)["metadata"]["source"]


@pytest.mark.parametrize(
    ("name", "check"),
    list(check_cases()),
    ids=[f"{name}:{check['why'][:40]}" for name, check in check_cases()],
)
def test_wording_stays_on_the_source(name: str, check: Dict[str, Any]) -> None:
    """A first answer and its rest are read together, as the patient reads them."""
    assert name in RESPONSES
    names = [part for part in parts(name) if part in RESPONSES]
    texts = {
        "en": " ".join(english(part)["text"] for part in names).lower(),
        "bn": " ".join(bangla(part)["text"] for part in names).lower(),
        "titles": " | ".join(title for part in names for title in titles(part)).lower(),
    }
    for where, text in texts.items():
        for phrase in check.get(where) or []:
            assert phrase.lower() in text, f"{name} ({where}) lacks {phrase!r}: {check['why']}"
        for phrase in check.get(f"{where}_not") or []:
            assert phrase.lower() not in text, f"{name} ({where}) says {phrase!r}: {check['why']}"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_no_text_calls_the_pages_the_clinics(name: str) -> None:
    for variation in RESPONSES[name]:
        assert not CLINIC_PAGE.search(variation.get("text") or ""), variation.get("text")


@pytest.mark.parametrize("name", [n for n in ALL_PARTS if source_of(n) == "dfo"])
def test_knee_answers_name_the_surgeons_page(name: str) -> None:
    assert english(name)["text"].endswith(KNEE_NOTE_EN)
    assert bangla(name)["text"].endswith(KNEE_NOTE_BN)


@pytest.mark.parametrize("name", [n for n in ALL_PARTS if source_of(n) == "vro"])
def test_hip_answers_name_a_general_patient_page(name: str) -> None:
    assert HIP_NOTE_EN.search(english(name)["text"]), english(name)["text"]
    assert HIP_NOTE_BN.search(bangla(name)["text"]), bangla(name)["text"]


@pytest.mark.parametrize("name", [n for n in ALL_PARTS if source_of(n) == "dfo, vro"])
def test_answers_from_both_pages_name_both(name: str) -> None:
    text_en, text_bn = english(name)["text"], bangla(name)["text"]
    assert "the surgeon's page on distal femoral osteotomy" in text_en
    assert "a general patient page on hip osteotomy" in text_en
    assert "সার্জনের নিজের DFO বিষয়ক পাতা" in text_bn
    assert HIP_NOTE_BN.search(text_bn)


def test_every_english_response_reads_at_grade_8_or_below() -> None:
    """Not only the answers: greetings, safety and handoff messages too."""
    grades = response_grades(RESPONSES)
    over = {name: round(grade, 1) for name, grade in grades.items() if grade > READING_GRADE_MAX}
    assert len(grades) > len(FAQ) and not over


def test_every_english_answer_reads_at_grade_8_or_below() -> None:
    """Flesch-Kincaid, as `make evaluate` measures it (bot/evaluation/readability.py)."""
    grades = response_grades({name: RESPONSES[name] for name in FAQ})
    over = {name: round(grade, 1) for name, grade in grades.items() if grade > READING_GRADE_MAX}
    assert len(grades) == len(FAQ) and not over


@pytest.mark.parametrize("name", FAQ)
def test_every_answer_has_its_rest_in_both_languages(name: str) -> None:
    """The first answer's first button asks for the rest, which exists in EN and BN."""
    rest = RESPONSES.get(more_of(name))
    assert rest, f"{name} has no {more_of(name)}"
    assert bangla(more_of(name)) is not english(more_of(name))
    assert rest[0]["metadata"] == english(name)["metadata"]
    topic = name.removeprefix("utter_faq/")
    for variation in (english(name), bangla(name)):
        first_button = variation["buttons"][0]["payload"]
        assert first_button == f'/tell_me_more{{{{"faq_topic": "{topic}"}}}}'
    for part in (english(more_of(name)), bangla(more_of(name))):
        assert not any(b["payload"].startswith("/tell_me_more") for b in part["buttons"])


@pytest.mark.parametrize("name", FAQ)
def test_first_answer_is_short_in_both_languages(name: str) -> None:
    """About 50 words at most (the limit is 55), the source note included."""
    words = {"en": word_count(english(name)["text"]), "bn": word_count(bangla(name)["text"])}
    assert max(words.values()) <= FIRST_ANSWER_MAX_WORDS, words


@pytest.mark.parametrize("name", ALL_PARTS)
def test_every_english_part_reads_at_grade_8_or_below(name: str) -> None:
    assert english_grade(english(name)["text"]) <= READING_GRADE_MAX


@pytest.mark.parametrize("name", ALL_PARTS)
def test_bangla_sentences_average_15_words_or_fewer(name: str) -> None:
    assert bangla_sentence_length(bangla(name)["text"]) <= BANGLA_SENTENCE_MAX_WORDS
