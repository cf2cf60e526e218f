"""Rasa NLU component: one classifier for plain intents and FAQ answers.

Replaces DIET plus the ResponseSelector (two neural models that took 12 of
the 14.5 minutes of training on 2 cores) with ``bot.nlu.topic_models``: a
linear model and a nearest-neighbour model, trained in seconds. It reports its
result in the shapes the rest of Rasa expects:

* ``intent`` and ``intent_ranking``: FAQ keys are summed into ``faq``;
* ``response_selector.faq``: the chosen FAQ key and the ranking of FAQ keys,
  exactly as Rasa's ResponseSelector writes them, so ``utter_faq`` and the
  clarifying turn work unchanged;
* ``topic_evidence``: both models' verdicts, read by the fallback classifier
  (``bot.nlu.response_aware_fallback``) to decide whether to answer at all,
  and for English messages a third: the label of the training examples
  closest in meaning (``bot.nlu.sentence_neighbours``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.intents import (
    BEYOND_SOURCES_INTENT,
    FAQ_INTENT,
    OUT_OF_SCOPE_INTENT,
    TOPIC_EVIDENCE,
    UNANSWERED_KIND,
    URGENT_INTENT,
)
from bot.nlu.glossary import defined_term_answer
from bot.nlu.intent_override import override_intent
from bot.nlu.language import ENGLISH
from bot.nlu.language_detector import LANGUAGE
from bot.nlu.named_operation import names_only_the_hip, names_the_other_operation
from bot.nlu.out_of_domain import out_of_domain_terms
from bot.nlu.question_focus import question_focus
from bot.nlu.question_frames import (
    first_question_answer,
    framed_question_answer,
    story_definition_answer,
    story_question_answer,
    unnamed_operation_answer,
)
from bot.nlu.sentence_encoder import SentenceModelMissingError, shared_encoder
from bot.nlu.sentence_neighbours import SentenceNeighbours, fit_sentence_neighbours
from bot.nlu.short_replies import short_reply_intent
from bot.nlu.topic_models import Evidence, TopicModels, fit_topic_models, known_evidence
from bot.nlu.unanswered_kinds import routed_kind, unanswered_kind

logger = logging.getLogger(__name__)

RETRIEVAL_INTENT = FAQ_INTENT
OUT_OF_SCOPE = OUT_OF_SCOPE_INTENT
BEYOND_SOURCES = BEYOND_SOURCES_INTENT
# The ``unanswered_kind`` of a question that names the other operation than its answer's.
OTHER_OPERATION = "other_operation"
# The ``unanswered_kind`` of a question about the hip alone whose answer is a knee answer.
OTHER_JOINT = "other_joint"
RANKING_LENGTH = 10
_MODEL_FILE = "topic_models.joblib"
_SENTENCE_VECTORS_FILE = "sentence_vectors.npy"
_SENTENCE_LABELS_FILE = "sentence_labels.json"
# The evidence of a message the sentence neighbours were not asked about.
NO_SENTENCE_READING: Dict[str, Any] = {"sentence_label": None, "sentence_similarity": None}
# The fallback classifier's names for the thresholds the two share.
ANSWER_THRESHOLD_KEY = "answer_threshold"
SIMILARITY_THRESHOLD_KEY = "similarity_threshold"
CONFIDENT_THRESHOLD_KEY = "confident_threshold"


def training_pairs(training_data: TrainingData) -> Tuple[List[str], List[str]]:
    """Texts and labels to train on: the FAQ key for retrieval intents, else the intent.

    Sorted, so that the trained model does not depend on the order in which
    the data files were read: the same data always gives the same model.
    """
    pairs = sorted(
        {
            (example.get(TEXT), example.get(INTENT_RESPONSE_KEY) or example.get(INTENT))
            for example in training_data.intent_examples
            if example.get(TEXT) and (example.get(INTENT_RESPONSE_KEY) or example.get(INTENT))
        }
    )
    return [text for text, _ in pairs], [label for _, label in pairs]


def read_sentence_neighbours(directory: Path) -> Optional[SentenceNeighbours]:
    """The sentence vectors ``train`` stored, or None for a model trained without them."""
    vectors, labels = directory / _SENTENCE_VECTORS_FILE, directory / _SENTENCE_LABELS_FILE
    if not vectors.is_file() or not labels.is_file():
        return None
    return SentenceNeighbours(np.load(vectors), json.loads(labels.read_text(encoding="utf-8")))


def is_faq_key(label: str) -> bool:
    """Whether a label is an FAQ answer key (``faq/...``)."""
    return label.startswith(RETRIEVAL_INTENT + "/")


def intent_ranking(evidence: Evidence) -> List[Dict[str, Any]]:
    """Plain intents with FAQ keys summed into ``faq``, best first."""
    totals: Dict[str, float] = {}
    for label, probability in evidence.ranking:
        name = RETRIEVAL_INTENT if is_faq_key(label) else label
        totals[name] = totals.get(name, 0.0) + probability
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return [
        {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: float(probability)}
        for name, probability in ranked[:RANKING_LENGTH]
    ]


def top_intent(evidence: Evidence, ranking: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The intent of the single most likely label (``faq`` for an FAQ key).

    Its confidence is that intent's total in ``ranking``: for ``faq``, the
    probability that the message asks one of the FAQ questions at all.
    """
    name = RETRIEVAL_INTENT if is_faq_key(evidence.label) else evidence.label
    confidence = next(
        (entry[PREDICTED_CONFIDENCE_KEY] for entry in ranking if entry[INTENT_NAME_KEY] == name),
        evidence.confidence,
    )
    return {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: float(confidence)}


def response_selector_output(evidence: Evidence) -> Dict[str, Any]:
    """The ``response_selector`` property, in the shape of Rasa's ResponseSelector.

    Confidences are the FAQ keys' probabilities renormalised among FAQ keys,
    as the ResponseSelector's are.
    """
    faq = [(label, probability) for label, probability in evidence.ranking if is_faq_key(label)]
    total = sum(probability for _, probability in faq) or 1.0
    ranking = [
        {
            "id": index,
            INTENT_RESPONSE_KEY: label,
            PREDICTED_CONFIDENCE_KEY: float(probability / total),
        }
        for index, (label, probability) in enumerate(faq[:RANKING_LENGTH])
    ]
    best = ranking[0] if ranking else {INTENT_RESPONSE_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
    key = best[INTENT_RESPONSE_KEY]
    return {
        RESPONSE_SELECTOR_RETRIEVAL_INTENTS: [RETRIEVAL_INTENT],
        RETRIEVAL_INTENT: {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                RESPONSE_SELECTOR_RESPONSES_KEY: [],
                PREDICTED_CONFIDENCE_KEY: best[PREDICTED_CONFIDENCE_KEY],
                INTENT_RESPONSE_KEY: key,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{key}" if key else None,
            },
            RESPONSE_SELECTOR_RANKING_KEY: ranking,
        },
    }


# Rules that read a whole short message before the models, in this order,
# each with the name its verdict is reported under in ``topic_evidence``.
RULE_READINGS: Tuple[Tuple[str, Callable[[str], Optional[str]]], ...] = (
    # "Nothing else", "বুঝেছি": closing or acknowledging, never "tell me more".
    ("short_reply", short_reply_intent),
    # "What is a VRO?": the answer that defines the term.
    ("definition", defined_term_answer),
    # "How is DFO done?", "VRO keno kora hoy?": that question's answer.
    ("question_frame", framed_question_answer),
    # "How is it done?", "why is the operation needed?": the same, naming no operation.
    ("unnamed_operation", unnamed_operation_answer),
    # "Doctor bollo DFO lagbe, eta keno kora hoy?": the same, at a story's end.
    ("story_question", story_question_answer),
    # "The doctor wrote osteotomy, what is meant by osteotomy?": a definition at a story's end.
    ("story_definition", story_definition_answer),
    # "spica cast ki? koto din thakbe?": the first of a few short questions.
    ("first_question", first_question_answer),
)


def rule_reading(text: str, labels: Sequence[str]) -> Tuple[Optional[str], Optional[str]]:
    """The first rule that reads ``text`` as one of ``labels``, and that label.

    ``(None, None)`` when no rule does: the models decide.
    """
    for name, read in RULE_READINGS:
        label = read(text)
        if label in labels:
            return name, label
    return None, None


def rule_evidence(key: str, labels: List[str]) -> Evidence:
    """The evidence for a message a rule reads.

    A glossary term's definition (``bot.nlu.glossary``), a short question
    about one operation (``bot.nlu.question_frames``) or a short reply such
    as "nothing else" (``bot.nlu.short_replies``).
    """
    return dataclasses.replace(known_evidence(key, labels), known_phrasing=False)


def evidence_output(evidence: Evidence, focused: bool) -> Dict[str, Any]:
    """The ``topic_evidence`` property."""
    return {**evidence.as_dict(), "question_focus": focused}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TopicClassifier(GraphComponent):
    """Predicts intents and FAQ answers with two models and records their evidence."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """When the two models settle an answer without the sentence neighbours.

        The models' own settings are constants of ``bot.nlu.topic_models``.
        These three are the fallback classifier's (``config.yml`` sets both
        alike, and a test holds them equal): a message whose linear model is
        ``confident_threshold`` sure, or whose two models agree with at least
        ``answer_threshold`` and ``similarity_threshold``, is answered
        whatever the sentence neighbours say, so they are not asked (12 ms a
        message).
        """
        return {
            ANSWER_THRESHOLD_KEY: 0.45,
            SIMILARITY_THRESHOLD_KEY: 0.2,
            CONFIDENT_THRESHOLD_KEY: 0.7,
        }

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        models: Optional[TopicModels] = None,
        sentences: Optional[SentenceNeighbours] = None,
        config: Optional[Dict[str, Any]] = None,
    ) -> None:
        """Creates the component, trained or not."""
        self._config = {**self.get_default_config(), **(config or {})}
        self._model_storage = model_storage
        self._resource = resource
        self._models = models.prepared() if models is not None else None
        self._sentences = sentences

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TopicClassifier:
        """Creates an untrained component (see ``GraphComponent.create``)."""
        return cls(model_storage, resource, config=config)

    def train(self, training_data: TrainingData) -> Resource:
        """Fits both models and stores them in the model archive."""
        texts, labels = training_pairs(training_data)
        if not texts:
            logger.warning("topic_classifier.no_training_data")
            return self._resource
        self._models = fit_topic_models(texts, labels)
        self._sentences = fit_sentence_neighbours(shared_encoder(), texts, labels)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._models, directory / _MODEL_FILE, compress=3)
            if self._sentences is not None:
                np.save(directory / _SENTENCE_VECTORS_FILE, self._sentences.vectors)
                (directory / _SENTENCE_LABELS_FILE).write_text(
                    json.dumps(self._sentences.labels), encoding="utf-8"
                )
        logger.info(
            "topic_classifier.trained",
            extra={"examples": len(texts), "labels": len(self._models.labels)},
        )
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TopicClassifier:
        """Loads the models this project's own training wrote (see ``train``)."""
        try:
            with model_storage.read_from(resource) as directory:
                models = joblib.load(directory / _MODEL_FILE)
                sentences = read_sentence_neighbours(directory)
        except (ValueError, FileNotFoundError):
            logger.warning("topic_classifier.not_trained")
            return cls(model_storage, resource, None, config=config)
        if sentences is not None:
            try:
                shared_encoder()
            except SentenceModelMissingError:
                # The two topic models still decide; only the third opinion is lost.
                logger.warning("topic_classifier.sentence_model_missing")
                sentences = None
        return cls(model_storage, resource, models, sentences, config)

    def _settled_without_sentences(self, evidence: Evidence) -> bool:
        """Whether the two models alone give the answer (see ``get_default_config``)."""
        return evidence.confidence >= self._config[CONFIDENT_THRESHOLD_KEY] or evidence.agrees(
            self._config[ANSWER_THRESHOLD_KEY], self._config[SIMILARITY_THRESHOLD_KEY]
        )

    def _sentence_evidence(
        self, text: str, language: Optional[str], evidence: Evidence
    ) -> Dict[str, Any]:
        """The closest examples' label and similarity, for an English message still unsettled."""
        if (
            self._sentences is None
            or language != ENGLISH
            or self._settled_without_sentences(evidence)
        ):
            return dict(NO_SENTENCE_READING)
        label, similarity = self._sentences.nearest(shared_encoder().encode([text])[0])
        return {"sentence_label": label, "sentence_similarity": round(similarity, 4)}

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets intent, intent ranking, the FAQ answer and the evidence on each message."""
        if self._models is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not text:
                # Nothing to classify; registering the intent as an output
                # lets the fallback classifier's verdict reach the dialogue.
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            focus = question_focus(text)
            rule, ruled = rule_reading(text, self._models.labels)
            if ruled:
                # "Nothing else", "What is a VRO?", "How is DFO done?": a rule's label, always.
                evidence = rule_evidence(ruled, self._models.labels)
            else:
                evidence = self._models.evidence(
                    text, focus, mend_spelling=message.get(LANGUAGE) == ENGLISH
                )
            ranking = intent_ranking(evidence)
            intent = top_intent(evidence, ranking)
            ranking = [intent] + [
                entry for entry in ranking if entry[INTENT_NAME_KEY] != intent[INTENT_NAME_KEY]
            ]
            message.set(INTENT, dict(intent), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            faq = is_faq_key(evidence.label)
            routed = routed_kind(focus or text)
            # Another joint, operation or illness named: looked up only when it
            # decides something (an FAQ label, or a kind routed to its intent).
            named_outside = out_of_domain_terms(text) if faq or routed else []
            outside = named_outside if faq else []
            unanswered = None
            if outside:
                # Another joint, operation or illness: never one of our answers.
                override_intent(message, OUT_OF_SCOPE)
            elif routed and routed.intent and not named_outside and evidence.label != URGENT_INTENT:
                # "What does the operation cost?" goes to staff, "how long does
                # the operation take?" to "the page does not say", whatever the
                # topic; but not asked of another joint's operation, and a
                # message the models read as urgent stays urgent.
                unanswered = routed.name
                override_intent(message, routed.intent)
            elif faq:
                # Our topic, but asked what its answer does not say ("what
                # causes it"): the honest "the page does not say" and staff.
                unanswered = unanswered_kind(focus or text, evidence.label)
                if not unanswered and names_the_other_operation(text, evidence.label):
                    # "the risks of DFO": the hip page's risks are not the knee's.
                    unanswered = OTHER_OPERATION
                elif not unanswered and names_only_the_hip(text, evidence.label):
                    # "why does my hip hurt?": no knee answer is about the hip.
                    unanswered = OTHER_JOINT
                if unanswered:
                    override_intent(message, BEYOND_SOURCES)
            message.set(
                RESPONSE_SELECTOR_PROPERTY_NAME,
                response_selector_output(evidence),
                add_to_output=True,
            )
            message.set(
                TOPIC_EVIDENCE,
                {
                    **evidence_output(evidence, bool(focus)),
                    **{name: rule == name for name, _ in RULE_READINGS},
                    "out_of_domain": outside,
                    UNANSWERED_KIND: unanswered,
                    **(
                        self._sentence_evidence(text, message.get(LANGUAGE), evidence)
                        if faq and not ruled
                        else NO_SENTENCE_READING
                    ),
                },
                add_to_output=True,
            )
        return messages
