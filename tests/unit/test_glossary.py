"""Definition questions ("what is a VRO?") get the answer that defines the term."""

from pathlib import Path

import pytest
import yaml

from bot.nlu.glossary import GLOSSARY_FILE, defined_term_answer, load_glossary
from tests.conftest import TEST_DATA, load_yaml


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("What is an osteotomy?", "faq/osteotomy_meaning"),
        ("what does osteotomy mean", "faq/osteotomy_meaning"),
        ("অস্টিওটমি কাকে বলে?", "faq/osteotomy_meaning"),
        ("osteotomy mane ki", "faq/osteotomy_meaning"),
        ("What is a knee osteotomy?", "faq/dfo_what_is"),
        ("হাঁটুর অস্টিওটমি কি?", "faq/dfo_what_is"),
        ("হাটুর অস্টিওটমি কী?", "faq/dfo_what_is"),
        ("knee osteotomy ki?", "faq/dfo_what_is"),
        ("hatur osteotomy ta ki jinish bhai", "faq/dfo_what_is"),
        ("DFO surgery meaning please", "faq/dfo_what_is"),
        ("What is a hip osteotomy?", "faq/vro_what_is"),
        ("হিপের অস্টিওটমি মানে কি?", "faq/vro_what_is"),
        ("VDRO ki?", "faq/vro_what_is"),
        ("what is varus derotational osteotomy", "faq/vro_what_is"),
        ("What are knock-knees?", "faq/knee_valgus"),
        ("নক নি মানে কি", "faq/knee_valgus"),
        ("what is coxa vara", "faq/hip_valgus_varus"),
        ("what does weight-bearing line mean?", "faq/knee_alignment_pain"),
        ("what is the mechanical axis", "faq/knee_alignment_pain"),
        ("what is femoral torsion?", "faq/vro_derotation"),
        ("হিপ ডিসপ্লাসিয়া কী?", "faq/hip_dysplasia"),
        ("anteversion mane ki", "faq/vro_derotation"),
        # A greeting before the question.
        ("Hi, what is DFO?", "faq/dfo_what_is"),
        ("salam vai, VRO ki?", "faq/vro_what_is"),
        # "Meant by", "bolte ki bujhay", "বলতে কী বোঝায়".
        ("what is meant by osteotomy?", "faq/osteotomy_meaning"),
        ("VRO bolte ki bujhay?", "faq/vro_what_is"),
        ("ভিআরও বলতে কী বোঝায়?", "faq/vro_what_is"),
        # The hip's recovery answer says what a spica cast is.
        ("what is a spica cast?", "faq/vro_recovery"),
        ("স্পাইকা কাস্ট কী?", "faq/vro_recovery"),
    ],
)
def test_a_definition_question_gets_the_answer_that_defines_the_term(text: str, key: str) -> None:
    assert defined_term_answer(text) == key


@pytest.mark.parametrize(
    "text",
    [
        # Asks something more than what the term is.
        "what is a knee osteotomy and who needs it?",
        "what does DFO do for the pain?",
        "what is the recovery after VRO",
        "DFO ki dorkar?",
        "এটা কি অস্টিওটমি?",
        # Another operation that shares a word.
        "what is a high tibial osteotomy",
        "what is hip replacement",
        # "Femoral osteotomy" is done at the knee and at the hip.
        "what is a femoral osteotomy",
        # No question word: a topic named, nothing asked.
        "knee osteotomy",
        "",
        "what is it",
    ],
)
def test_anything_else_is_left_to_the_models(text: str) -> None:
    assert defined_term_answer(text) is None


def test_short_words_match_whole_words_only() -> None:
    # "vdo" is a term; "vdos" and "video" are not.
    assert defined_term_answer("vdo ki") == "faq/vro_what_is"
    assert defined_term_answer("vdos ki") is None
    assert defined_term_answer("what is the video") is None


def test_every_term_is_listed_under_a_contract_answer() -> None:
    glossary = load_glossary()
    assert set(glossary.terms) <= set(load_yaml(TEST_DATA / "contract_keys.yml")["faq"])
    assert all(glossary.terms.values())


def test_no_term_is_listed_under_two_answers() -> None:
    seen = {}
    for key, terms in load_glossary().terms.items():
        for term in terms:
            assert seen.setdefault(term, key) == key, term


def test_a_clinician_can_extend_the_list(tmp_path: Path) -> None:
    document = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))
    document["terms"]["faq/hip_anatomy"] = ["acetabulum"]
    extended = tmp_path / "glossary.yml"
    extended.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert defined_term_answer("what is the acetabulum?") is None
    assert (
        defined_term_answer("what is the acetabulum?", load_glossary(extended)) == "faq/hip_anatomy"
    )


def test_a_malformed_file_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "glossary.yml"
    broken.write_text(
        "terms: [osteotomy]\nquestion_words: []\nfiller_words: []\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="terms"):
        load_glossary(broken)
