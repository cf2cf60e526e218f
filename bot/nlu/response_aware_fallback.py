"""A fallback classifier that also distrusts uncertain FAQ answers.

Rasa's ``FallbackClassifier`` looks only at the intent's confidence. For a
retrieval intent such as ``faq`` the intent can be certain while the
ResponseSelector is torn between two answers; sending the top answer would be
a confident-looking wrong reply. This classifier predicts ``nlu_fallback``
in that case too, and for messages the input guard found empty or too long.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.input_guard import INPUT_CHECK
from bot.nlu.red_flag_detector import URGENT_INTENT
from bot.nlu.text_cleaning import OK

RESPONSE_SELECTOR = "response_selector"
RESPONSE_THRESHOLD_KEY = "response_threshold"
RESPONSE_AMBIGUITY_THRESHOLD_KEY = "response_ambiguity_threshold"


def response_confidences(
    message_data: Dict[str, Any], retrieval_intent: str
) -> Optional[Tuple[float, float]]:
    """Return the top and runner-up answer confidences for a retrieval intent.

    Args:
        message_data: A message's data (or ``/model/parse`` output).
        retrieval_intent: The retrieval intent, e.g. ``faq``.

    Returns:
        ``(best, second)``, ``second`` being 0.0 with a single candidate, or
        ``None`` when the ResponseSelector made no prediction for that intent.
    """
    selector = (message_data.get(RESPONSE_SELECTOR) or {}).get(retrieval_intent)
    if not selector:
        return None
    ranking = selector.get("ranking") or []
    if ranking:
        scores = sorted((entry.get("confidence", 0.0) for entry in ranking), reverse=True)
    else:
        scores = [selector.get("response", {}).get("confidence", 0.0)]
    return scores[0], scores[1] if len(scores) > 1 else 0.0


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ResponseAwareFallbackClassifier(FallbackClassifier):
    """``FallbackClassifier`` that also checks the ResponseSelector's confidence."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Adds the answer thresholds to the intent thresholds of the parent."""
        return {
            **FallbackClassifier.get_default_config(),
            RESPONSE_THRESHOLD_KEY: 0.5,
            RESPONSE_AMBIGUITY_THRESHOLD_KEY: 0.1,
        }

    def _should_fallback(self, message: Message) -> bool:
        intent_name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if intent_name == URGENT_INTENT and message.get("red_flags"):
            # The red-flag detector decided; never trade an emergency for a
            # clarifying question.
            return False
        status = (message.get(INPUT_CHECK) or {}).get("status", OK)
        if status != OK:
            return True
        if super()._should_fallback(message):
            return True
        confidences = response_confidences(message.data, intent_name or "")
        if confidences is None:
            return False
        best, second = confidences
        return (
            best < self.component_config[RESPONSE_THRESHOLD_KEY]
            or best - second < self.component_config[RESPONSE_AMBIGUITY_THRESHOLD_KEY]
        )
