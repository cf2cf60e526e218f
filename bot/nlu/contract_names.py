"""Rasa NLU component: the verdict reported in the topic contract's names.

The clinic's topic contract (its keys are copied in
``tests/data/contract_keys.yml``) files "anything only the clinic can answer"
under ``request_human``, and so do the labels of every outside evaluation: an
on-topic question the two pages do not answer is ``request_human``, answered
by an honest "the clinic can tell you" and a staff offer. Our classifier
learns those questions under a label of its own, ``beyond_sources``, because
they are asked differently from "can I talk to a person?" and get a different
reply.

This component runs last. A message read as ``beyond_sources`` is reported as
the contract's ``request_human``, with an ``unanswered_question`` entity whose
value is the kind of question when a rule named it (``pain_amount``) and
``beyond_sources`` otherwise. The dialogue tells the two apart by that entity
(``data/rules/conversation.yml``): the entity gets the honest reply and the
staff offer (``action_beyond_sources``), a plain request for a person the
handoff. The intent ranking keeps the classifier's own labels, for review.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.intents import (
    BEYOND_SOURCES_INTENT,
    REQUEST_HUMAN_INTENT,
    TOPIC_EVIDENCE,
    UNANSWERED_KIND,
    UNANSWERED_QUESTION_ENTITY,
)
from bot.nlu.optionless_component import OptionlessComponent


def unanswered_question_entity(text: str, evidence: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """The entity that marks a ``request_human`` message as a question the pages do not answer.

    It spans the whole message (the question is what is unanswered). Its
    value is the kind of question a rule recognised (``pain_amount``,
    ``operation_length``...), else ``beyond_sources``: never patient text.
    """
    kind = (evidence or {}).get(UNANSWERED_KIND)
    return {
        ENTITY_ATTRIBUTE_TYPE: UNANSWERED_QUESTION_ENTITY,
        ENTITY_ATTRIBUTE_START: 0,
        ENTITY_ATTRIBUTE_END: len(text),
        ENTITY_ATTRIBUTE_VALUE: str(kind) if kind else BEYOND_SOURCES_INTENT,
        EXTRACTOR: ContractIntentNames.__name__,
    }


def report_in_contract_names(message: Message) -> None:
    """Rename a ``beyond_sources`` verdict to ``request_human`` plus the entity, in place."""
    intent = message.get(INTENT) or {}
    if intent.get(INTENT_NAME_KEY) != BEYOND_SOURCES_INTENT:
        return
    message.set(INTENT, {**intent, INTENT_NAME_KEY: REQUEST_HUMAN_INTENT}, add_to_output=True)
    entities = [
        entity
        for entity in message.get(ENTITIES) or []
        if entity.get(ENTITY_ATTRIBUTE_TYPE) != UNANSWERED_QUESTION_ENTITY
    ]
    entities.append(
        unanswered_question_entity(message.get(TEXT) or "", message.get(TOPIC_EVIDENCE))
    )
    message.set(ENTITIES, entities, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ContractIntentNames(OptionlessComponent):
    """Reports questions beyond the pages as ``request_human`` with an ``unanswered_question``."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Renames the verdict of each message read as ``beyond_sources``."""
        for message in messages:
            report_in_contract_names(message)
        return messages
