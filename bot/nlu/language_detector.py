"""Rasa NLU component that reports each message's language and language requests."""

from __future__ import annotations

from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.language import detect_language, language_request
from bot.nlu.optionless_component import OptionlessComponent

# Output properties, in /model/parse output and the tracker's parse_data:
# "en", "bn" (Bangla script) or "bn_latn" (romanized Bangla)...
LANGUAGE = "language"
# ...whether that guess is clear enough to switch the reply language...
LANGUAGE_CLEAR = "language_clear"
# ...and "en"/"bn" when the patient asked to be answered in that language, else None.
LANGUAGE_REQUEST = "language_request"


def annotate(message: Message) -> None:
    """Set the language properties of one message (nothing for a message without text)."""
    text: Optional[str] = message.get(TEXT)
    if text is None:
        return
    guess = detect_language(text)
    message.set(LANGUAGE, guess.code, add_to_output=True)
    message.set(LANGUAGE_CLEAR, guess.clear, add_to_output=True)
    message.set(LANGUAGE_REQUEST, language_request(text), add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class LanguageDetector(OptionlessComponent):
    """Detects English, Bangla script and romanized Bangla, and requests to switch.

    Place it right after ``InputGuard``, so that it reads cleaned text. It
    adds no features: the classifiers see the same input as without it. The
    dialogue (``action_detect_language``) turns its output into the reply
    language with ``bot.nlu.language.conversation_language``'s policy.
    """

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples need no language: nothing downstream learns from it."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds ``language``, ``language_clear`` and ``language_request`` to each message."""
        for message in messages:
            annotate(message)
        return messages
