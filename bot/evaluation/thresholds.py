"""`make tune-thresholds`: the fallback thresholds' effect, measured on the development sets.

The fallback classifier keeps the classifiers' own ranking in the parse
output, so one pass over the development messages is enough to replay the
decision under other thresholds. Prints, for each language and each
combination, in-scope accuracy, the FAQ wrong-answer rate, the share of
out-of-scope and near-miss messages without an FAQ answer, and urgent
recall. Only the development sets are used: the held-out sets stay unseen.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence

from bot.evaluation.metrics import FALLBACK, URGENT, summarise
from bot.evaluation.run import DEV_BY_LANGUAGE, PROJECT_ROOT, load_examples

INTENT_THRESHOLDS = (0.3, 0.4, 0.5)
RESPONSE_THRESHOLDS = (0.2, 0.3, 0.4)


@dataclass(frozen=True)
class Thresholds:
    """The four settings of ``ResponseAwareFallbackClassifier``."""

    intent: float
    response: float
    intent_ambiguity: float = 0.1
    response_ambiguity: float = 0.1


def replay(parse: Mapping[str, Any], thresholds: Thresholds) -> str:
    """The key the assistant would act on under ``thresholds``.

    Mirrors ``bot.nlu.response_aware_fallback``: red flags found by the rules
    are never overridden, unreadable input always falls back, then the intent
    and (for ``faq``) the answer must be confident and clear of the runner-up.
    """
    if (parse.get("input_check") or {}).get("status", "ok") != "ok":
        return FALLBACK
    ranking = [i for i in parse.get("intent_ranking") or [] if i.get("name") != FALLBACK]
    if not ranking:
        return FALLBACK
    top = ranking[0]
    if top["name"] == URGENT and parse.get("red_flags"):
        return URGENT
    second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
    if top["confidence"] < thresholds.intent:
        return FALLBACK
    if top["confidence"] - second < thresholds.intent_ambiguity:
        return FALLBACK
    selector = (parse.get("response_selector") or {}).get(top["name"])
    if not selector:
        return top["name"]
    answers = sorted(
        (entry.get("confidence", 0.0) for entry in selector.get("ranking") or []), reverse=True
    ) or [0.0]
    best, runner_up = answers[0], answers[1] if len(answers) > 1 else 0.0
    if best < thresholds.response or best - runner_up < thresholds.response_ambiguity:
        return FALLBACK
    return (selector.get("response") or {}).get("intent_response_key") or top["name"]


async def parse_texts(model: Path, texts: Sequence[str]) -> List[Dict[str, Any]]:
    """The parse output of every text."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def grid(
    intent: Sequence[float] = INTENT_THRESHOLDS, response: Sequence[float] = RESPONSE_THRESHOLDS
) -> List[Thresholds]:
    """Every combination to try."""
    return [Thresholds(i, r) for i, r in itertools.product(intent, response)]


def table(model: Path) -> str:
    """The figures of every threshold combination on every development set."""
    lines = []
    for language, path in DEV_BY_LANGUAGE.items():
        examples = load_examples(path)
        parses = asyncio.run(parse_texts(model, [e.text for e in examples]))
        lines += [
            f"== {language} ({path.name}, {len(examples)} messages)",
            f"{'intent':>7} {'answer':>7} {'in-scope':>9} {'FAQ wrong':>10} "
            f"{'OOS not FAQ':>12} {'urgent':>7}",
        ]
        for thresholds in grid():
            figures = summarise(examples, [replay(p, thresholds) for p in parses])
            lines.append(
                f"{thresholds.intent:7.2f} {thresholds.response:7.2f} "
                f"{100 * figures['in_scope_accuracy']:8.1f}% "
                f"{100 * figures['faq_wrong_answer_rate']:9.1f}% "
                f"{100 * figures['out_of_scope_not_faq']:11.1f}% "
                f"{100 * figures['urgent_recall']:6.1f}%"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "clinic.tar.gz")
    args = parser.parse_args()
    from rasa.utils.log_utils import configure_structlog

    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)
    print(table(args.model))


if __name__ == "__main__":
    main()
