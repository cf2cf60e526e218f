"""Rasa NLU component that routes red-flag symptoms to the urgent path."""

from __future__ import annotations

import logging
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.intents import URGENT_INTENT
from bot.nlu.input_guard import FULL_TEXT, INPUT_CHECK
from bot.nlu.intent_override import override_intent
from bot.nlu.optionless_component import OptionlessComponent
from bot.nlu.red_flags import detect_red_flags, phrased_as_question
from bot.nlu.text_cleaning import READ_IN_PART, TOO_LONG

logger = logging.getLogger(__name__)

# Output property listing the red flags found, for the dialogue and for review.
RED_FLAGS = "red_flags"
# Output property: whether an urgent message was phrased as a question ("is
# yellow drainage from the incision normal?"), so the urgent reply can be
# worded for a question. False on every message that is not urgent.
RED_FLAG_QUESTION = "red_flag_question"


def mark_urgent(message: Message, flags: List[str]) -> None:
    """Make ``urgent_symptoms`` the message's intent, whatever was predicted.

    Args:
        message: The message being processed.
        flags: Names of the red flags detected (never patient text).
    """
    override_intent(message, URGENT_INTENT)
    message.set(RED_FLAGS, flags, add_to_output=True)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class RedFlagDetector(OptionlessComponent):
    """Overrides the predicted intent with ``urgent_symptoms`` on red flags.

    No options: the rules live in ``bot.nlu.red_flags``. Place it after the
    intent classifier and before the fallback classifier,
    so that neither a confident wrong intent nor a fallback can hide an
    emergency.
    """

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Checks every message for red flags and marks the urgent ones.

        Every message also gets ``red_flag_question``: whether it is urgent
        and phrased as a question.
        """
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            typed = message.get(TEXT)
            check = message.get(INPUT_CHECK) or {}
            if check.get("status") in (TOO_LONG, READ_IN_PART) and message.get(FULL_TEXT):
                # The classifier reads only part of a long message; the
                # detector reads all of it.
                typed = message.get(FULL_TEXT)
                doc = model.model(typed)
            if doc is None:
                continue
            # The doc is lower-cased (SpacyNLP); names are read from the text as typed.
            flags = detect_red_flags(doc, typed)
            if flags:
                mark_urgent(message, flags)
            elif message.get(INTENT, {}).get(INTENT_NAME_KEY) == URGENT_INTENT:
                message.set(RED_FLAGS, [], add_to_output=True)
            urgent = message.get(INTENT, {}).get(INTENT_NAME_KEY) == URGENT_INTENT
            question = urgent and phrased_as_question(doc.text)
            message.set(RED_FLAG_QUESTION, question, add_to_output=True)
            if flags:
                # Flag names and a yes/no only: never the patient's words.
                logger.info(
                    "red_flags.detected",
                    extra={"red_flags": flags, RED_FLAG_QUESTION: question},
                )
        return messages
