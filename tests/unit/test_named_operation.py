"""A question that names one operation never gets the other operation's answer."""

import pytest

from bot.nlu.named_operation import (
    HIP,
    KNEE,
    names_only_the_hip,
    names_the_other_operation,
    operation_named,
    operation_of_answer,
)


@pytest.mark.parametrize(
    ("key", "operation"),
    [
        ("faq/dfo_recovery", KNEE),
        ("faq/knee_valgus", KNEE),
        ("faq/vro_disadvantages", HIP),
        ("faq/hip_dysplasia", HIP),
        ("faq/osteotomy_meaning", None),
    ],
)
def test_each_answer_belongs_to_its_operation(key, operation) -> None:
    assert operation_of_answer(key) == operation


@pytest.mark.parametrize(
    ("text", "operation"),
    [
        ("What are the risks of DFO?", KNEE),
        ("disadvantages of a distal femoral osteotomy", KNEE),
        ("knee osteotomy recovery", KNEE),
        ("হাঁটুর অস্টিওটমি কতদিনে সারে", KNEE),
        ("how long is recovery after VDRO", HIP),
        ("hip osteotomy for my son", HIP),
        ("হিপ osteotomy কেন করা হয়", HIP),
        # A joint alone does not name an operation.
        ("my son's knees point inwards, is that anteversion", None),
        ("what are the risks of the surgery", None),
        # Both named: nothing to hold against either answer.
        ("is DFO or VRO the bigger operation", None),
        ("hip osteotomy to turn the knees outwards, like a knee osteotomy", None),
    ],
)
def test_the_operation_a_message_names(text, operation) -> None:
    assert operation_named(text) == operation


def test_the_other_operations_answer_is_held_back() -> None:
    assert names_the_other_operation("What are the risks of DFO?", "faq/vro_disadvantages")
    assert names_the_other_operation("is a cast needed after DFO", "faq/vro_recovery")
    assert names_the_other_operation("VRO ki?", "faq/dfo_what_is")


def test_an_answer_for_the_named_operation_or_for_both_is_kept() -> None:
    assert not names_the_other_operation("how long is recovery after DFO", "faq/dfo_recovery")
    assert not names_the_other_operation("what does osteotomy in DFO mean", "faq/osteotomy_meaning")
    assert not names_the_other_operation("knees point inwards", "faq/vro_derotation")


def test_a_question_about_the_hip_alone_gets_no_knee_answer() -> None:
    assert names_only_the_hip("what is arthritis, why does my hip hurt", "faq/knee_alignment_pain")
    assert names_only_the_hip("আমার কোমরে ব্যথা কেন", "faq/dfo_symptoms")
    assert not names_only_the_hip("why does my hip hurt", "faq/hip_anatomy")


def test_a_question_about_a_child_with_cp_gets_no_knee_answer() -> None:
    # The clinic's operation for cerebral palsy is the hip's.
    assert names_only_the_hip(
        "Postoperative Care After Femoral Osteotomy in CP", "faq/dfo_recovery"
    )
    assert names_only_the_hip("সিপি বাচ্চার অপারেশনের পর কী হয়", "faq/dfo_recovery")
    # Unless the knee comes in: knock knees in a child with CP.
    assert not names_only_the_hip("my CP son's knees knock together", "faq/knee_valgus")


def test_a_hip_question_that_brings_in_the_knee_keeps_the_knee_answer() -> None:
    assert not names_only_the_hip("my hip and knee both hurt on stairs", "faq/dfo_symptoms")
    assert not names_only_the_hip("what does the hip to ankle x-ray show", "faq/dfo_evaluation")
    assert not names_only_the_hip("knock knees and sore hips", "faq/knee_valgus")
