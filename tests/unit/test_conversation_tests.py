"""The conversation tests (tests/conversations) must not depend on the model's generalisation.

A typed message whose intent the model decides must be a training example of
that intent: such a message gets its label for certain
(``bot.nlu.topic_models.TopicModels.phrasings``). Red flags and unreadable
input are decided by rules and may be any text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, Tuple

import pytest
import yaml

from bot.intents import BEYOND_SOURCES_INTENT, REQUEST_HUMAN_INTENT
from bot.nlu.topic_models import phrasing_key
from tests.utils.trained import labels_by_phrasing

CONVERSATIONS = Path(__file__).resolve().parents[1] / "conversations"
# Intents set by rules (bot/nlu/red_flag_detector.py, bot/nlu/input_guard.py).
DECIDED_BY_RULES = {"urgent_symptoms", "nlu_fallback"}
# The name the NLU reports for a label (bot/nlu/contract_names.py).
REPORTED_AS = {BEYOND_SOURCES_INTENT: REQUEST_HUMAN_INTENT}
# An entity annotation, "[text]{...}": the typed text is what is inside.
ANNOTATED = re.compile(r"^\[(.*)\]\{.*\}$")


def typed_steps() -> Iterator[Tuple[str, str, str]]:
    """(file, intent, text) of the typed messages whose intent the model decides."""
    for path in sorted(CONVERSATIONS.glob("test_*.yml")):
        for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]:
            for step in story["steps"]:
                text = str(step.get("user", "")).strip()
                annotated = ANNOTATED.match(text)
                text = annotated.group(1) if annotated else text
                if text and not text.startswith("/") and step["intent"] not in DECIDED_BY_RULES:
                    yield path.name, step["intent"], text


def test_there_are_typed_messages_to_check() -> None:
    assert len(list(typed_steps())) >= 15


@pytest.mark.parametrize(("file", "intent", "text"), list(typed_steps()))
def test_typed_messages_are_training_examples_of_their_intent(
    file: str, intent: str, text: str
) -> None:
    labels = labels_by_phrasing().get(phrasing_key(text), set())
    intents = {REPORTED_AS.get(label, label.split("/", 1)[0]) for label in labels}
    assert len(labels) == 1 and intents == {intent}, (
        f"{file}: {text!r} is expected to be {intent}; make it a training example of "
        f"{intent} (the data labels it {sorted(labels)})"
    )
