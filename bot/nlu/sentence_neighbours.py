"""The training examples closest in meaning to a message, by sentence embedding.

A third opinion beside the topic models (``bot.nlu.topic_models``): the
label whose examples, among the ``NEIGHBOURS`` closest to the message by
``bot.nlu.sentence_encoder``, add up to the most similarity, and how close
that label's closest example is. The encoder reads English: examples in
Bangla script are left out, and only English messages are asked
(``bot.nlu.topic_classifier``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import numpy as np

from bot.nlu.sentence_encoder import SentenceEncoder

# How many of the closest examples vote.
NEIGHBOURS = 5
_BANGLA_SCRIPT = re.compile("[\u0980-\u09ff]")


def readable_examples(texts: Sequence[str], labels: Sequence[str]) -> Tuple[List[str], List[str]]:
    """The examples the encoder can read: those with no Bangla script."""
    pairs = zip(texts, labels, strict=True)
    kept = [(text, label) for text, label in pairs if not _BANGLA_SCRIPT.search(text)]
    return [text for text, _ in kept], [label for _, label in kept]


def vote(
    similarities: np.ndarray, labels: Sequence[str], neighbours: int = NEIGHBOURS
) -> Tuple[str, float]:
    """The label of the closest examples, and its closest example's similarity.

    Each of the ``neighbours`` closest examples adds its similarity to its
    label; the label with the largest sum wins (ties: the closer example's).
    """
    if len(labels) == 0:
        return "", 0.0
    count = min(neighbours, len(labels))
    closest = np.argsort(-similarities, kind="stable")[:count]
    totals: dict = {}
    best: dict = {}
    for index in closest:
        label = labels[index]
        score = float(similarities[index])
        totals[label] = totals.get(label, 0.0) + score
        best.setdefault(label, score)
    winner = max(totals, key=lambda label: (totals[label], best[label]))
    return winner, best[winner]


@dataclass
class SentenceNeighbours:
    """Training examples' sentence vectors (float16, to keep the model file small) and labels."""

    vectors: np.ndarray
    labels: List[str]
    # The vectors as float32, converted once: each message is compared with all of them.
    _matrix: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Converts the stored half-precision vectors once, not on every message."""
        self._matrix = np.asarray(self.vectors, dtype=np.float32)

    def nearest(self, vector: np.ndarray) -> Tuple[str, float]:
        """``vote`` for one message's vector."""
        return vote(self._matrix @ np.asarray(vector, dtype=np.float32), self.labels)


def fit_sentence_neighbours(
    encoder: SentenceEncoder, texts: Sequence[str], labels: Sequence[str]
) -> Optional[SentenceNeighbours]:
    """Encode the readable examples; None when there are none."""
    readable, kept_labels = readable_examples(texts, labels)
    if not readable:
        return None
    return SentenceNeighbours(encoder.encode(readable).astype(np.float16), kept_labels)
