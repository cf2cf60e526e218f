"""Questions the end-to-end tests type, checked against the training data.

A typed message that is word for word a training example gets that example's
label for certain (``bot.nlu.topic_models.TopicModels.phrasings``). Tests of
channels, the widget and the console that need one particular answer type
such a message through ``trained``: they then test the plumbing, not how a
retrained model happens to generalise (``make evaluate`` measures that).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, Set

from bot.nlu.topic_classifier import training_pairs
from bot.nlu.topic_models import phrasing_key

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


@functools.lru_cache(maxsize=1)
def labels_by_phrasing() -> Dict[str, Set[str]]:
    """Every training example's ``phrasing_key`` with the labels it carries."""
    from rasa.shared.nlu.training_data.loading import load_data

    texts, labels = training_pairs(load_data(str(DATA_DIR / "nlu")))
    found: Dict[str, Set[str]] = {}
    for text, label in zip(texts, labels, strict=True):
        found.setdefault(phrasing_key(text), set()).add(label)
    return found


def trained(label: str, text: str) -> str:
    """``text``, after checking it is a training example of ``label`` only.

    Args:
        label: An intent (``request_human``) or FAQ key (``faq/vro_what_is``).
        text: The message a test will type.

    Raises:
        AssertionError: With what to do, when the data no longer has it.
    """
    found = labels_by_phrasing().get(phrasing_key(text), set())
    assert found == {label}, (
        f"{text!r} must be a training example of {label} (and of nothing else) for this "
        f"end-to-end test to be independent of the model; the data labels it {sorted(found)}"
    )
    return text
