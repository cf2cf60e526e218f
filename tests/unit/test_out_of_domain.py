"""The list of other joints, operations and illnesses."""

import pytest

from bot.nlu.out_of_domain import out_of_domain_terms, outside_terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("What is a rotator cuff tear?", ["rotator cuff"]),
        ("high tibial osteotomy recovery", ["high tibial", "tibial osteotomy"]),
        ("plates after my son's fracture, must they come out?", ["fracture"]),
        ("আমার কাঁধে ব্যথা", ["কাঁধ"]),
        ("har venge geche, plate lagbe?", ["har venge"]),
    ],
)
def test_other_joints_and_operations_are_found(text: str, terms: list) -> None:
    assert out_of_domain_terms(text) == terms


@pytest.mark.parametrize(
    "text",
    [
        "DFO or HTO, which is better for me?",
        "is a VRO done after a femur fracture?",
        "what is the femoral neck",
        "is DFO an alternative to knee replacement",
        "",
    ],
)
def test_our_own_topics_are_not_outside(text: str) -> None:
    assert out_of_domain_terms(text) == []


def test_the_list_loads_and_every_term_is_words() -> None:
    terms = outside_terms()
    assert len(terms) > 50
    assert all(term and all(term) for term in terms)
