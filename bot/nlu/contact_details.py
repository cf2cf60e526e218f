"""Rasa NLU component: a message that is a phone number is an answer, never a "no".

At the callback form's last step a patient types a number. A statistical
classifier may read "০১৭১২-৩৪৫৬৭৮" as anything, ``deny`` included, and a "no"
stops the form and discards the details. A message that is mostly digits
(ASCII or Bangla) is therefore always the ``inform`` intent, whatever the
model predicted, so the form takes the value and validates it.
"""

from __future__ import annotations

import re
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.digits import to_ascii_digits
from bot.nlu.intent_override import override_intent
from bot.nlu.optionless_component import OptionlessComponent

INFORM_INTENT = "inform"
# At least this many digits, and at most this many letters beside them
# ("my number is 01712345678" is still a number; a story with a year is not).
MIN_DIGITS = 5
MAX_LETTERS = 20
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def is_number_answer(text: str) -> bool:
    """Whether a message is essentially a number (a phone number, or a wrong one)."""
    ascii_text = to_ascii_digits(text or "")
    digits = sum(char.isdigit() for char in ascii_text)
    letters = len(_LETTER.findall(ascii_text))
    return digits >= MIN_DIGITS and letters <= MAX_LETTERS


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ContactDetailsDetector(OptionlessComponent):
    """Makes ``inform`` the intent of messages that are essentially a number."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Overrides the intent of number-only messages with ``inform``."""
        for message in messages:
            if not is_number_answer(message.get(TEXT) or ""):
                continue
            override_intent(message, INFORM_INTENT)
        return messages
