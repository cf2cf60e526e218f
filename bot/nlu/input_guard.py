"""Rasa NLU component that cleans every message before anything else sees it."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.text_cleaning import clean_text, shorten

# Output property: {"status": ..., "original_length": ...}; read by the
# fallback classifier and the dialogue to answer empty or over-long messages.
INPUT_CHECK = "input_check"
# Not an output property: the whole cleaned text, for the red-flag detector,
# which must see symptoms even past the length the classifier reads.
FULL_TEXT = "input_guard_full_text"
# Hard upper bound on what the red-flag scan reads, to bound CPU per message.
MAX_SCAN_CHARS = 50_000


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class InputGuard(GraphComponent):
    """Normalises Unicode, strips control characters, and caps message length."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The classifier reads ``max_chars``; longer messages are read in part.

        Up to ``max_read_chars`` (the web chat channel's limit; WhatsApp's is
        4,096), the question sentences and the end of a longer message are
        read (``read_in_part``). Longer ones are cut and marked ``too_long``.
        """
        return {"max_chars": 1000, "max_read_chars": 5000}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Creates the component from its pipeline configuration."""
        self._max_chars = int(config["max_chars"])
        self._max_read_chars = int(config["max_read_chars"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InputGuard:
        """Creates the component (see ``GraphComponent.create``)."""
        return cls(config)

    def _clean(self, message: Message, add_to_output: bool) -> None:
        raw: Optional[str] = message.get(TEXT)
        if raw is None:
            return
        full = clean_text(raw[: MAX_SCAN_CHARS * 2], MAX_SCAN_CHARS)
        cleaned = shorten(full, self._max_chars, self._max_read_chars)
        message.set(TEXT, cleaned.text)
        message.set(FULL_TEXT, full.text)
        message.set(
            INPUT_CHECK,
            {"status": cleaned.status, "original_length": cleaned.original_length},
            add_to_output=add_to_output,
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Cleans training examples the same way as live messages."""
        for example in training_data.training_examples:
            self._clean(example, add_to_output=False)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Cleans incoming messages and records the input check."""
        for message in messages:
            self._clean(message, add_to_output=True)
        return messages
