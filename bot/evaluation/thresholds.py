"""`make tune-thresholds`: the answer thresholds' effect, replayed on the development sets.

The topic classifier keeps both models' evidence in the parse output
(``topic_evidence``), so one pass over the messages is enough to replay the
answer decision under other thresholds. Prints, for each language and each
setting, in-scope accuracy, the FAQ wrong-answer rate, the share of
out-of-scope and near-miss messages without an FAQ answer, and urgent
recall. Only the development sets are used: the held-out sets stay unseen.
Real patients' questions are replayed the same way by ``make evaluate
EVAL_SET=...`` (its calibration table).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.evaluation.metrics import (
    FALLBACK,
    FAQ_PREFIX,
    OUT_OF_SCOPE,
    URGENT,
    predicted_key,
    summarise,
)
from bot.evaluation.run import DEV_BY_LANGUAGE, PROJECT_ROOT, load_examples
from bot.intents import FAQ_INTENT, TOPIC_EVIDENCE
from bot.nlu.response_aware_fallback import answer_is_supported

ANSWER_THRESHOLDS = (0.3, 0.4, 0.45, 0.5)
CONFIDENT_THRESHOLDS = (0.7, 0.8, 0.9, 1.01)
AGREEMENT_RATIOS = (1.0, 0.9, 0.8)
# Near agreement is weaker evidence: the linear model needs at least one of
# these (config.yml uses 0.55).
NEAR_ANSWER_FLOORS = (0.5, 0.55, 0.6)
# English messages may be answered when the examples closest in meaning carry
# the linear model's label (config.yml uses 0.6; None: not used).
SENTENCE_THRESHOLDS: Tuple[Optional[float], ...] = (None, 0.6)


@dataclass(frozen=True)
class Thresholds:
    """The answer settings of ``ResponseAwareFallbackClassifier``."""

    answer: float
    confident: float
    similarity: float = 0.2
    agreement: float = 1.0
    near_answer: Optional[float] = None
    sentence: Optional[float] = None

    def label(self) -> str:
        """How the setting is printed (a confident threshold above 1 is off)."""
        confident = "off" if self.confident > 1 else f"{self.confident:.1f}"
        near = "" if self.near_answer is None else f" ({self.near_answer:.2f})"
        answer = f"{self.answer:.2f} / {self.similarity:.1f}"
        sentence = "" if self.sentence is None else f" + meaning {self.sentence:.2f}"
        return f"{answer} / {confident:>3} / {self.agreement:.1f}{near}{sentence}"


def replay(parse: Mapping[str, Any], thresholds: Thresholds) -> str:
    """The key the assistant would act on under ``thresholds``.

    Mirrors the pipeline: unreadable input falls back, red flags are never
    overridden, an FAQ label on the out-of-domain list is ``out_of_scope``,
    an FAQ label needs the evidence, and plain intents keep their verdict.
    An answer that passes is the one the assistant would send
    (``predicted_key`` of the message understood as ``faq``).
    """
    if (parse.get("input_check") or {}).get("status", "ok") != "ok":
        return FALLBACK
    intent = (parse.get("intent") or {}).get("name") or FALLBACK
    if intent == URGENT and parse.get("red_flags"):
        return URGENT
    evidence = parse.get(TOPIC_EVIDENCE) or {}
    label = str(evidence.get("linear_label") or "")
    if not label.startswith(FAQ_PREFIX) or intent not in (FAQ_INTENT, FALLBACK):
        return intent
    if evidence.get("out_of_domain"):
        return OUT_OF_SCOPE
    supported = answer_is_supported(
        evidence,
        thresholds.answer,
        thresholds.similarity,
        thresholds.confident,
        thresholds.agreement,
        thresholds.near_answer,
        thresholds.sentence,
    )
    if not supported:
        return FALLBACK
    return predicted_key({**parse, "intent": {"name": FAQ_INTENT}})


async def parse_texts(model: Path, texts: Sequence[str]) -> List[Dict[str, Any]]:
    """The parse output of every text."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def grid(
    answer: Sequence[float] = ANSWER_THRESHOLDS,
    confident: Sequence[float] = CONFIDENT_THRESHOLDS,
    agreement: Sequence[float] = AGREEMENT_RATIOS,
    sentence: Sequence[Optional[float]] = SENTENCE_THRESHOLDS,
) -> List[Thresholds]:
    """Every combination to try."""
    settings = []
    for a, c, r, m in itertools.product(answer, confident, agreement, sentence):
        if r >= 1:
            settings.append(Thresholds(a, c, agreement=r, sentence=m))
            continue
        nears = sorted({max(a, floor) for floor in NEAR_ANSWER_FLOORS})
        settings.extend(
            Thresholds(a, c, agreement=r, near_answer=near, sentence=m) for near in nears
        )
    return settings


def table(model: Path) -> str:
    """The figures of every threshold setting on every development set."""
    lines = []
    for language, path in DEV_BY_LANGUAGE.items():
        examples = load_examples(path)
        parses = asyncio.run(parse_texts(model, [e.text for e in examples]))
        lines += [
            f"== {language} ({path.name}, {len(examples)} messages)",
            f"{'answer / similarity / confident / agreement':58} {'in-scope':>9} {'FAQ wrong':>10} "
            f"{'OOS not FAQ':>12} {'urgent':>7}",
        ]
        for thresholds in grid():
            figures = summarise(examples, [replay(p, thresholds) for p in parses])
            lines.append(
                f"{thresholds.label():58} "
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
