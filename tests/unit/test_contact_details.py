"""A message that is a number is an answer, whatever the model thinks."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.contact_details import ContactDetailsDetector, is_number_answer


@pytest.mark.parametrize(
    "text", ["০১৭১২-৩৪৫৬৭৮", "01712345678", "+880 1712 345678", "my number is 01712345678", "12345"]
)
def test_numbers_are_answers(text: str) -> None:
    assert is_number_answer(text)


@pytest.mark.parametrize(
    "text",
    ["no", "Rahima Begum", "after 5 pm", "my son is 9 and was born in 2015 with cerebral palsy"],
)
def test_words_are_not_number_answers(text: str) -> None:
    assert not is_number_answer(text)


def test_a_number_read_as_deny_becomes_inform() -> None:
    message = Message(
        data={
            "text": "০১৭১২-৩৪৫৬৭৮",
            "intent": {"name": "deny", "confidence": 0.52},
            "intent_ranking": [{"name": "deny", "confidence": 0.52}],
        }
    )
    ContactDetailsDetector().process([message])
    assert message.get("intent") == {"name": "inform", "confidence": 1.0}
    assert [entry["name"] for entry in message.get("intent_ranking")] == ["inform", "deny"]


def test_other_messages_keep_their_intent() -> None:
    message = Message(data={"text": "no thanks", "intent": {"name": "deny", "confidence": 0.9}})
    ContactDetailsDetector().process([message])
    assert message.get("intent")["name"] == "deny"
