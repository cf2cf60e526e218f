"""Reading "and for the hip?": the same question, of the other operation."""

import pytest

from bot.nlu.named_operation import HIP, KNEE
from bot.nlu.other_operation import other_operation_asked


@pytest.mark.parametrize(
    ("text", "operation"),
    [
        ("and for the hip?", HIP),
        ("what about the hip?", HIP),
        ("same for VRO?", HIP),
        ("আর হিপের ক্ষেত্রে?", HIP),
        ("hip er jonno?", HIP),
        ("and the knee?", KNEE),
        ("what about DFO", KNEE),
        ("হাঁটুর অপারেশনের ক্ষেত্রে?", KNEE),
        ("hatur jonno ki?", KNEE),
    ],
)
def test_the_same_question_of_one_operation_is_read(text: str, operation: str) -> None:
    assert other_operation_asked(text) == operation


@pytest.mark.parametrize(
    "text",
    [
        # A topic alone, a question of its own, both operations, or a long message.
        "hip",
        "VRO?",
        "what is a VRO?",
        "and the hip's recovery?",
        "what about the knee and the hip?",
        "and for the hip, my son is nine and has cerebral palsy",
        "",
    ],
)
def test_other_messages_are_left_to_the_models(text: str) -> None:
    assert other_operation_asked(text) is None
