"""The clinic's contract for answer wording: it stays on the two source pages.

The phrase checks are a table (tests/data/source_wording.yml), each quoting the
source; the attribution follows how each page presents itself: the knee page
is the surgeon's own, the hip page a general patient page, not the clinic's.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from bot.evaluation.readability import response_grades
from bot.evaluation.run import all_responses
from tests.conftest import TEST_DATA, load_yaml

RESPONSES: Dict[str, List[Dict[str, Any]]] = all_responses()
CHECKS: List[Dict[str, Any]] = load_yaml(TEST_DATA / "source_wording.yml")["checks"]
BN_CONDITION = [{"type": "slot", "name": "language", "value": "bn"}]
FAQ = sorted(name for name in RESPONSES if name.startswith("utter_faq/"))
READING_GRADE_MAX = 8.0

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
    assert name in RESPONSES
    texts = {
        "en": english(name)["text"].lower(),
        "bn": bangla(name)["text"].lower(),
        "titles": " | ".join(titles(name)).lower(),
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


@pytest.mark.parametrize("name", [n for n in FAQ if source_of(n) == "dfo"])
def test_knee_answers_name_the_surgeons_page(name: str) -> None:
    assert english(name)["text"].endswith(KNEE_NOTE_EN)
    assert bangla(name)["text"].endswith(KNEE_NOTE_BN)


@pytest.mark.parametrize("name", [n for n in FAQ if source_of(n) == "vro"])
def test_hip_answers_name_a_general_patient_page(name: str) -> None:
    assert HIP_NOTE_EN.search(english(name)["text"]), english(name)["text"]
    assert HIP_NOTE_BN.search(bangla(name)["text"]), bangla(name)["text"]


@pytest.mark.parametrize("name", [n for n in FAQ if source_of(n) == "dfo, vro"])
def test_answers_from_both_pages_name_both(name: str) -> None:
    text_en, text_bn = english(name)["text"], bangla(name)["text"]
    assert "the surgeon's page on distal femoral osteotomy" in text_en
    assert "a general patient page on hip osteotomy" in text_en
    assert "সার্জনের নিজের DFO বিষয়ক পাতা" in text_bn
    assert HIP_NOTE_BN.search(text_bn)


def test_every_english_answer_reads_at_grade_8_or_below() -> None:
    """Flesch-Kincaid, as `make evaluate` measures it (bot/evaluation/readability.py)."""
    grades = response_grades({name: RESPONSES[name] for name in FAQ})
    over = {name: round(grade, 1) for name, grade in grades.items() if grade > READING_GRADE_MAX}
    assert len(grades) == len(FAQ) and not over
