"""A fallback classifier that answers an FAQ only with evidence.

Rasa's ``FallbackClassifier`` looks only at the intent's confidence. On real
patients' questions that is not enough: nearly every wrong FAQ answer of the
old model came with a confidence of 0.99-1.0. Here an FAQ answer is given only
when two different models agree on it (``bot.nlu.topic_models``):

* the linear model's best label is that FAQ key, with at least
  ``answer_threshold`` probability;
* the neighbour model, reading word stems, finds that key's training
  examples the closest (or at least ``agreement_ratio`` as close as the
  closest label's, and then the linear model needs ``near_answer_threshold``),
  at least ``similarity_threshold`` similar.

A linear model at least ``confident_threshold`` sure may answer alone: on
real patients' questions this answered more of them with no more wrong
answers. For an English message, a third model may stand in for the
neighbour model: when the training examples closest in meaning (sentence
embeddings, ``bot.nlu.sentence_neighbours``) carry the linear model's label,
and the closest of them is at least ``sentence_threshold`` similar.
Otherwise the message gets ``nlu_fallback``: the clarifying turn offers the
likeliest topics and a member of staff. Plain intents keep Rasa's threshold,
except the social ones (hello, goodbye, thanks), which need
``social_threshold``: a worried question read as "goodbye" ends the
conversation, where a greeting read as unsure only gets the clarifying turn.
"Are you a bot?" must name the one answering (``bot.nlu.who_answers``): "is
this operation safe?" read as one was told "I am an automated assistant".
Empty or over-long input always falls back, and red flags never do.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.intents import TOPIC_EVIDENCE, UNANSWERED_KIND, URGENT_INTENT
from bot.nlu.input_guard import INPUT_CHECK
from bot.nlu.other_operation import other_operation_asked
from bot.nlu.text_cleaning import OK, READ_IN_PART
from bot.nlu.topic_classifier import (
    ANSWER_THRESHOLD_KEY,
    CONFIDENT_THRESHOLD_KEY,
    RETRIEVAL_INTENT,
    SIMILARITY_THRESHOLD_KEY,
)
from bot.nlu.who_answers import BOT_CHALLENGE, speaks_of_who_answers

AGREEMENT_RATIO_KEY = "agreement_ratio"
NEAR_ANSWER_THRESHOLD_KEY = "near_answer_threshold"
SOCIAL_THRESHOLD_KEY = "social_threshold"
SENTENCE_THRESHOLD_KEY = "sentence_threshold"
# Intents the assistant answers with small talk, not with help.
SOCIAL_INTENTS = frozenset({"greet", "goodbye", "thank"})


def answer_is_supported(
    evidence: Optional[Mapping[str, Any]],
    answer_threshold: float,
    similarity_threshold: float,
    confident_threshold: float = 1.01,
    agreement_ratio: float = 1.0,
    near_answer_threshold: Optional[float] = None,
    sentence_threshold: Optional[float] = None,
) -> bool:
    """Whether the topic evidence supports giving the FAQ answer.

    Args:
        evidence: The ``topic_evidence`` property of a parsed message.
        answer_threshold: Least probability the linear model must give its
            label when the neighbour model agrees.
        similarity_threshold: Least similarity of that label's closest examples.
        confident_threshold: Probability at which the linear model answers alone.
        agreement_ratio: The neighbour model also agrees when the linear
            label's closest examples are at least this share as close as the
            closest label's (1.0: only when it is the closest label).
        near_answer_threshold: Least probability of the linear model when the
            neighbour model only nearly agrees (default: ``answer_threshold``).
        sentence_threshold: Least similarity of the closest example by meaning
            when the sentence neighbours carry the linear model's label (None: not used).
    """
    if not evidence:
        return False
    label = evidence.get("linear_label") or ""
    if not label.startswith(RETRIEVAL_INTENT + "/"):
        return False
    confidence = float(evidence.get("linear_confidence") or 0.0)
    if confidence >= confident_threshold:
        return True
    if (
        sentence_threshold is not None
        and evidence.get("sentence_label") == label
        and float(evidence.get("sentence_similarity") or 0.0) >= sentence_threshold
    ):
        return True
    closest = float(evidence.get("neighbour_similarity") or 0.0)
    if evidence.get("neighbour_label") == label:
        return confidence >= answer_threshold and closest >= similarity_threshold
    own = float(evidence.get("linear_label_similarity") or 0.0)
    needed = answer_threshold if near_answer_threshold is None else near_answer_threshold
    return own >= agreement_ratio * closest and confidence >= needed and own >= similarity_threshold


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ResponseAwareFallbackClassifier(FallbackClassifier):
    """``FallbackClassifier`` that gives an FAQ answer only with evidence."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Adds the answer thresholds to the intent thresholds of the parent."""
        return {
            **FallbackClassifier.get_default_config(),
            ANSWER_THRESHOLD_KEY: 0.4,
            SIMILARITY_THRESHOLD_KEY: 0.2,
            CONFIDENT_THRESHOLD_KEY: 0.7,
            AGREEMENT_RATIO_KEY: 1.0,
            NEAR_ANSWER_THRESHOLD_KEY: None,
            SOCIAL_THRESHOLD_KEY: 0.5,
            SENTENCE_THRESHOLD_KEY: None,
        }

    def _should_fallback(self, message: Message) -> bool:
        intent_name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if intent_name == URGENT_INTENT and message.get("red_flags"):
            # The red-flag detector decided; never trade an emergency for a
            # clarifying question.
            return False
        status = (message.get(INPUT_CHECK) or {}).get("status", OK)
        if status not in (OK, READ_IN_PART):
            # Empty, only emoji, or too long to read: the dialogue says which.
            return True
        if other_operation_asked(message.get(TEXT) or ""):
            # "And for the hip?": the conversation says what is asked (action_clarify).
            return True
        if intent_name == RETRIEVAL_INTENT:
            return not answer_is_supported(
                message.get(TOPIC_EVIDENCE),
                self.component_config[ANSWER_THRESHOLD_KEY],
                self.component_config[SIMILARITY_THRESHOLD_KEY],
                self.component_config[CONFIDENT_THRESHOLD_KEY],
                self.component_config[AGREEMENT_RATIO_KEY],
                self.component_config[NEAR_ANSWER_THRESHOLD_KEY],
                self.component_config[SENTENCE_THRESHOLD_KEY],
            )
        if intent_name in SOCIAL_INTENTS:
            confidence = float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            if confidence < self.component_config[SOCIAL_THRESHOLD_KEY]:
                return True
        if intent_name == BOT_CHALLENGE and not (
            speaks_of_who_answers(message.get(TEXT) or "")
            # A rule's kind sent it here ("where does this information come from?").
            or (message.get(TOPIC_EVIDENCE) or {}).get(UNANSWERED_KIND)
        ):
            return True
        return super()._should_fallback(message)
