"""Plain functions that turn predictions on the held-out set into figures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from sklearn.metrics import precision_recall_fscore_support

from bot.faq_choice import DEFAULT_SELECTOR, chosen_faq_key, intent_name
from bot.intents import (
    FALLBACK_INTENT,
    FAQ_INTENT,
    OUT_OF_SCOPE_INTENT,
    REQUEST_HUMAN_INTENT,
    URGENT_INTENT,
)

FALLBACK = FALLBACK_INTENT
OUT_OF_SCOPE = OUT_OF_SCOPE_INTENT
URGENT = URGENT_INTENT
REQUEST_HUMAN = REQUEST_HUMAN_INTENT
FAQ_PREFIX = f"{FAQ_INTENT}/"
# Ours, and the default pipeline's ResponseSelector (named ``default``).
EVALUATED_SELECTORS = (FAQ_INTENT, DEFAULT_SELECTOR)


@dataclass(frozen=True)
class Example:
    """One held-out message and the key that should handle it."""

    text: str
    expected: str
    tags: Sequence[str] = field(default_factory=tuple)


def predicted_key(parse: Mapping[str, Any]) -> str:
    """The contract key a ``/model/parse`` result amounts to.

    An FAQ question counts as the answer the assistant would send
    (``bot.faq_choice``: a button's topic, else the ResponseSelector's
    ``faq/vro_recovery``; the default pipeline's selector is read too);
    anything else is the intent's name, including ``nlu_fallback`` when the
    assistant asked for clarification.
    """
    return chosen_faq_key(parse, EVALUATED_SELECTORS) or intent_name(parse) or FALLBACK


def share(hits: int, total: int) -> Optional[float]:
    """``hits / total``, or ``None`` when there is nothing to count."""
    return hits / total if total else None


# The normal quantile of a two-sided 95% interval.
Z_95 = 1.959964


def wilson_interval(hits: int, total: int, z: float = Z_95) -> Optional[Tuple[float, float]]:
    """The 95% Wilson score interval of ``hits / total``, or ``None`` for no messages.

    88 questions cannot tell 82% from 90%: 72 of 88 right lies between 72%
    and 88%. The interval says how far a figure could move on another set of
    the same size; the Wilson form stays inside 0 to 1, also at 0 or 100%.
    """
    if not total:
        return None
    p = hits / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    scale = 1 + z * z / total
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def must_not_get_faq(example: Example) -> bool:
    """Out-of-scope messages, and near misses such as the price of an operation."""
    return example.expected == OUT_OF_SCOPE or (
        "near_miss" in example.tags and not example.expected.startswith(FAQ_PREFIX)
    )


def summarise(examples: Sequence[Example], predictions: Sequence[str]) -> Dict[str, Any]:
    """Compute the evaluation figures for one model.

    Args:
        examples: The held-out messages with their expected keys.
        predictions: The predicted key for each example, in the same order.

    Returns:
        ``in_scope_accuracy`` (every expected key but ``out_of_scope``, exact
        match), ``faq_accuracy``, ``faq_wrong_answer_rate`` (a different FAQ
        answer sent; clarifying instead counts as not wrong),
        ``out_of_scope_not_faq`` (out-of-scope and near-miss messages that got
        no FAQ answer), ``urgent_recall``, and per-key precision/recall/F1.
    """
    if len(examples) != len(predictions):
        raise ValueError("one prediction per example is needed")
    pairs = list(zip(examples, predictions, strict=False))
    in_scope = [(e, p) for e, p in pairs if e.expected != OUT_OF_SCOPE]
    faq = [(e, p) for e, p in pairs if e.expected.startswith(FAQ_PREFIX)]
    guarded = [(e, p) for e, p in pairs if must_not_get_faq(e)]
    urgent = [(e, p) for e, p in pairs if e.expected == URGENT]
    labels = sorted({e.expected for e in examples})
    precision, recall, f1, support = precision_recall_fscore_support(
        [e.expected for e in examples], list(predictions), labels=labels, zero_division=0
    )
    return {
        "messages": len(examples),
        "in_scope_accuracy": share(sum(e.expected == p for e, p in in_scope), len(in_scope)),
        "faq_accuracy": share(sum(e.expected == p for e, p in faq), len(faq)),
        "faq_wrong_answer_rate": share(
            sum(p != e.expected and p.startswith(FAQ_PREFIX) for e, p in faq), len(faq)
        ),
        "out_of_scope_not_faq": share(
            sum(not p.startswith(FAQ_PREFIX) for _, p in guarded), len(guarded)
        ),
        "urgent_recall": share(sum(p == URGENT for _, p in urgent), len(urgent)),
        "per_key": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "errors": [
            {"text": e.text, "expected": e.expected, "predicted": p}
            for e, p in pairs
            if e.expected != p
        ],
    }


def by_tag(examples: Sequence[Example], predictions: Sequence[str]) -> Dict[str, Optional[float]]:
    """Exact-match accuracy per tag (short, long, misspelt, near_miss, ...)."""
    tags = sorted({tag for e in examples for tag in e.tags})
    result: Dict[str, Optional[float]] = {}
    for tag in tags:
        chosen: List[bool] = [
            e.expected == p for e, p in zip(examples, predictions, strict=False) if tag in e.tags
        ]
        result[tag] = share(sum(chosen), len(chosen))
    return result
