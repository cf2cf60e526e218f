"""`make evaluate EVAL_SET=...`: score the model on labelled real patient questions.

The set is a YAML file of ``items``, each with ``text``, ``label`` (a contract
key), optional ``also`` (other acceptable keys), ``lang`` (``en``, ``bn``,
``bn_latn``) and ``context_free`` (true: needs the conversation before it; not
scored). A clinic can export its own reviewed conversations in this shape.

The figures, overall and per language:

* in-scope right: FAQ questions answered with an acceptable key; and the
  same, counting also the questions the assistant was unsure of whose
  clarifying turn offered an acceptable topic as a button (one tap away);
* wrong answers: messages answered with an FAQ that is not acceptable, as a
  share of all messages (a clarifying question is not wrong);
* out-of-scope and beyond-the-sources questions not answered with an FAQ;
* urgent recall;
* the same by message length (1-10, 11-25, 26-60, over 60 words), and the
  share of long messages (40 words or more) answered right;
* calibration: how many FAQ questions would be answered, and how many
  messages answered wrongly, under other answer thresholds (replayed from the
  parse output), and a reliability table of the linear model's confidence;
* the ``context_free`` items, as the dialogue reads them when asked on the
  page of their operation and with no page (``bot.evaluation.page_questions``).

Items whose text is in the training data are dropped and counted: they no
longer measure anything.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

import yaml

from bot.evaluation.metrics import (
    FALLBACK,
    FAQ_PREFIX,
    OUT_OF_SCOPE,
    REQUEST_HUMAN,
    URGENT,
    predicted_key,
    share,
    wilson_interval,
)
from bot.evaluation.page_questions import page_figures
from bot.evaluation.run import percent, training_texts
from bot.evaluation.thresholds import grid, replay
from bot.faq_choice import likely_faq_keys
from bot.intents import TOPIC_EVIDENCE
from bot.settings import PROJECT_ROOT

LENGTH_BINS: Tuple[Tuple[str, int, int], ...] = (
    ("1-10", 1, 10),
    ("11-25", 11, 25),
    ("26-60", 26, 60),
    ("over 60", 61, 10**9),
)
LONG_MESSAGE_WORDS = 40
RELIABILITY_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0001)
_WORD = re.compile(r"[\w\u0980-\u09FF]+", re.UNICODE)


@dataclass(frozen=True)
class Item:
    """One labelled question."""

    text: str
    label: str
    also: Tuple[str, ...] = ()
    lang: str = "en"

    @property
    def accepted(self) -> Set[str]:
        """Every key that is a right answer."""
        return {self.label, *self.also}

    @property
    def group(self) -> str:
        """``in-scope``, ``urgent``, ``oos``, ``beyond-sources`` or ``conversation``."""
        if self.label.startswith(FAQ_PREFIX):
            return "in-scope"
        if self.label == URGENT:
            return "urgent"
        if self.label == OUT_OF_SCOPE:
            return "oos"
        if self.label == REQUEST_HUMAN:
            return "beyond-sources"
        return "conversation"

    @property
    def words(self) -> int:
        """The message's length in words."""
        return len(_WORD.findall(self.text))


@dataclass
class Outcome:
    """What the assistant did with one item."""

    item: Item
    predicted: str
    parse: Mapping[str, Any] = field(default_factory=dict)

    @property
    def evidence(self) -> Mapping[str, Any]:
        """Both models' verdicts (empty for a model without the topic classifier)."""
        return self.parse.get(TOPIC_EVIDENCE) or {}

    @property
    def answered_with_faq(self) -> bool:
        """Whether the model chose an FAQ answer."""
        return self.predicted.startswith(FAQ_PREFIX)

    @property
    def right(self) -> bool:
        """Whether the assistant did the right thing for the item's group."""
        group = self.item.group
        if group == "in-scope":
            return self.predicted in self.item.accepted
        if group == "urgent":
            return self.predicted == URGENT
        if group in ("oos", "beyond-sources"):
            return (not self.answered_with_faq and self.predicted != URGENT) or (
                self.predicted in self.item.accepted
            )
        return self.predicted == self.item.label

    @property
    def wrong_answer(self) -> bool:
        """An FAQ answer that is not acceptable for this item."""
        return self.answered_with_faq and self.predicted not in self.item.accepted

    @property
    def offered(self) -> bool:
        """Not answered, but the clarifying turn's buttons include an acceptable topic."""
        return self.predicted == FALLBACK and bool(
            self.item.accepted & set(likely_faq_keys(self.parse))
        )


def _normalise(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def text_and_label(path: Path, entry: Any, label_field: str = "label") -> Tuple[str, str]:
    """An entry's text and label (``label``, or ``expected`` in our own sets).

    Raises:
        ValueError: when the entry is not a mapping with a non-empty text and a label.
    """
    text = entry.get("text") if isinstance(entry, dict) else None
    label = entry.get(label_field) if isinstance(entry, dict) else None
    if not isinstance(text, str) or not text.strip() or not isinstance(label, str):
        raise ValueError(f"{path.name}: every entry needs a text and a {label_field}")
    return text, label


def items_of(entries: Sequence[Any], path: Path, context_free: bool = False) -> List[Item]:
    """The items of a set's ``items`` list (``context_free``: only those, else all others).

    Raises:
        ValueError: when an entry lacks its text or label.
    """
    loaded = []
    for entry in entries:
        if isinstance(entry, dict) and bool(entry.get("context_free")) != context_free:
            continue
        text, label = text_and_label(path, entry)
        loaded.append(
            Item(
                text=text,
                label=label,
                also=tuple(entry.get("also") or ()),
                lang=str(entry.get("lang") or "en"),
            )
        )
    return loaded


def load_items(path: Path, context_free: bool = False) -> List[Item]:
    """The scorable items of a set (those needing earlier conversation are left out).

    With ``context_free``, only those: the questions that name no operation.
    """
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = document.get("items")
    if not isinstance(items, list):
        raise SystemExit(f"error: {path} has no list of 'items'")
    try:
        return items_of(items, path, context_free)
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None


def figures(outcomes: Sequence[Outcome]) -> Dict[str, Any]:
    """The headline figures of a list of outcomes."""
    by_group: Dict[str, List[Outcome]] = {}
    for outcome in outcomes:
        by_group.setdefault(outcome.item.group, []).append(outcome)

    def right(group: str) -> Optional[float]:
        chosen = by_group.get(group, [])
        return share(sum(o.right for o in chosen), len(chosen))

    guarded = by_group.get("oos", []) + by_group.get("beyond-sources", [])
    long = [o for o in outcomes if o.item.words >= LONG_MESSAGE_WORDS]
    in_scope = by_group.get("in-scope", [])
    wrong = sum(o.wrong_answer for o in outcomes)
    return {
        "messages": len(outcomes),
        "in_scope_right": right("in-scope"),
        "in_scope_right_interval": wilson_interval(sum(o.right for o in in_scope), len(in_scope)),
        "in_scope_right_or_offered": share(
            sum(o.right or o.offered for o in by_group.get("in-scope", [])),
            len(by_group.get("in-scope", [])),
        ),
        "wrong_answers": share(wrong, len(outcomes)),
        "wrong_answers_interval": wilson_interval(wrong, len(outcomes)),
        "oos_not_answered": right("oos"),
        "beyond_sources_not_answered": right("beyond-sources"),
        "oos_and_beyond_not_answered": share(sum(o.right for o in guarded), len(guarded)),
        "urgent_recall": right("urgent"),
        "long_messages_right": share(sum(o.right for o in long), len(long)),
        "long_messages": len(long),
        "counts": {group: len(chosen) for group, chosen in sorted(by_group.items())},
    }


def by_length(outcomes: Sequence[Outcome]) -> Dict[str, Dict[str, Any]]:
    """Right and wrong-answer shares per length bin."""
    result = {}
    for name, low, high in LENGTH_BINS:
        chosen = [o for o in outcomes if low <= o.item.words <= high]
        result[name] = {
            "messages": len(chosen),
            "right": share(sum(o.right for o in chosen), len(chosen)),
            "wrong_answers": share(sum(o.wrong_answer for o in chosen), len(chosen)),
        }
    return result


def calibration(outcomes: Sequence[Outcome]) -> List[Dict[str, Any]]:
    """Answer rate on FAQ questions against wrong-answer rate, per threshold setting."""
    in_scope = [o for o in outcomes if o.item.group == "in-scope"]
    rows = []
    for thresholds in grid():
        keys = {id(o): replay(o.parse, thresholds) for o in outcomes}
        answered = sum(keys[id(o)].startswith(FAQ_PREFIX) for o in in_scope)
        right = sum(keys[id(o)] in o.item.accepted for o in in_scope)
        wrong = sum(
            keys[id(o)].startswith(FAQ_PREFIX) and keys[id(o)] not in o.item.accepted
            for o in outcomes
        )
        rows.append(
            {
                "answer_threshold": thresholds.answer,
                "similarity_threshold": thresholds.similarity,
                "confident_threshold": thresholds.confident,
                "agreement_ratio": thresholds.agreement,
                "near_answer_threshold": thresholds.near_answer,
                "sentence_threshold": thresholds.sentence,
                "faq_questions_answered": share(answered, len(in_scope)),
                "in_scope_right": share(right, len(in_scope)),
                "wrong_answers": share(wrong, len(outcomes)),
            }
        )
    return rows


def reliability(outcomes: Sequence[Outcome]) -> List[Dict[str, Any]]:
    """How often the linear model's FAQ label is acceptable, by its confidence."""
    scored = [
        (float(o.evidence.get("linear_confidence") or 0.0), str(o.evidence.get("linear_label")), o)
        for o in outcomes
        if o.evidence and str(o.evidence.get("linear_label") or "").startswith(FAQ_PREFIX)
    ]
    rows = []
    for low, high in zip(RELIABILITY_BINS, RELIABILITY_BINS[1:], strict=False):
        chosen = [(label, o) for confidence, label, o in scored if low <= confidence < high]
        rows.append(
            {
                "confidence": f"{low:.1f}-{min(high, 1.0):.1f}",
                "messages": len(chosen),
                "label_acceptable": share(
                    sum(label in o.item.accepted for label, o in chosen), len(chosen)
                ),
            }
        )
    return rows


def report(outcomes: Sequence[Outcome], leaked: int, set_name: str) -> Dict[str, Any]:
    """Every figure, overall and per language."""
    languages = sorted({o.item.lang for o in outcomes})
    return {
        "set": set_name,
        "leaked_not_scored": leaked,
        "overall": figures(outcomes),
        "languages": {
            lang: figures([o for o in outcomes if o.item.lang == lang]) for lang in languages
        },
        "by_length": by_length(outcomes),
        "by_length_and_language": {
            lang: by_length([o for o in outcomes if o.item.lang == lang]) for lang in languages
        },
        "calibration": calibration(outcomes),
        "reliability": reliability(outcomes),
        "errors": [
            {"text": o.item.text, "label": o.item.label, "predicted": o.predicted}
            for o in outcomes
            if not o.right
        ],
    }


def near_label(threshold: Optional[float]) -> str:
    """How the near-agreement threshold of a calibration row is printed."""
    return "" if threshold is None else f" ({threshold:.2f})"


def meaning_label(threshold: Optional[float]) -> str:
    """How the sentence-neighbour threshold of a calibration row is printed."""
    return "" if threshold is None else f" + meaning {threshold:.2f}"


def interval(bounds: Optional[Sequence[float]]) -> str:
    """An interval as whole percentages ("73-88%"), or "-" for no messages."""
    if bounds is None:
        return "-"
    low, high = bounds
    return f"{100 * low:.0f}-{100 * high:.0f}%"


def render(result: Dict[str, Any]) -> str:
    """The report as plain text."""
    rows = [
        ("in-scope right", "in_scope_right"),
        ("in-scope right, or offered when unsure", "in_scope_right_or_offered"),
        ("wrong FAQ answers (of all messages)", "wrong_answers"),
        ("out-of-scope not answered", "oos_not_answered"),
        ("beyond the sources not answered", "beyond_sources_not_answered"),
        ("urgent recall", "urgent_recall"),
        (f"long messages ({LONG_MESSAGE_WORDS}+ words) right", "long_messages_right"),
    ]
    columns = ["overall", *result["languages"]]
    table = {"overall": result["overall"], **result["languages"]}
    lines = [
        f"== {result['set']}: {result['overall']['messages']} messages scored "
        f"({result['leaked_not_scored']} found in data/, not scored)",
        "",
        f"{'figure':40}" + "".join(f"{name:>10}" for name in columns),
    ]
    for label, key in rows:
        lines.append(f"{label:40}" + "".join(f"{percent(table[c][key]):>10}" for c in columns))
    lines.append(f"{'messages':40}" + "".join(f"{table[c]['messages']:>10}" for c in columns))
    lines += ["", "95% interval (Wilson): where the figure could lie on another set this size"]
    for label, key in (
        ("in-scope right", "in_scope_right_interval"),
        ("wrong FAQ answers", "wrong_answers_interval"),
    ):
        lines.append(f"{label:40}" + "".join(f"{interval(table[c][key]):>10}" for c in columns))
    lines += ["", "By length (words): right / wrong answers / messages"]
    for name, bin_figures in result["by_length"].items():
        lines.append(
            f"  {name:8} {percent(bin_figures['right'])} {percent(bin_figures['wrong_answers'])}"
            f" {bin_figures['messages']:5d}"
        )
    lines += [
        "",
        "Calibration (replayed): answer / similarity / confident / agreement"
        " (near-agreement answer) [+ meaning: sentence neighbours' least similarity]"
        " -> FAQ questions answered, in-scope right, wrong answers",
    ]
    for row in result["calibration"]:
        confident = row["confident_threshold"]
        lines.append(
            f"  {row['answer_threshold']:.2f} / {row['similarity_threshold']:.1f} / "
            f"{'off' if confident > 1 else f'{confident:.1f}':>3} / "
            f"{row['agreement_ratio']:.1f}"
            f"{near_label(row['near_answer_threshold']):7}"
            f"{meaning_label(row.get('sentence_threshold')):15}  ->"
            f" {percent(row['faq_questions_answered'])} {percent(row['in_scope_right'])}"
            f" {percent(row['wrong_answers'])}"
        )
    lines += ["", "Reliability of the linear model's FAQ label: confidence -> acceptable (n)"]
    for row in result["reliability"]:
        lines.append(
            f"  {row['confidence']}  {percent(row['label_acceptable'])} ({row['messages']})"
        )
    pages = result.get("page_questions") or {}
    if any(way["messages"] for way in pages.values()):
        lines += [
            "",
            "Questions naming no operation (context_free), first in a chat:"
            " right / right or offered / wrong answers (n)",
        ]
        for way, figures_of_way in pages.items():
            lines.append(
                f"  {way:24} {percent(figures_of_way['right'])}"
                f" {percent(figures_of_way['right_or_offered'])}"
                f" {percent(figures_of_way['wrong_answers'])} ({figures_of_way['messages']})"
            )
    return "\n".join(lines)


async def parse_items(model: Path, items: Sequence[Item]) -> List[Outcome]:
    """Parse every item with the model."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    outcomes = []
    for item in items:
        parse = await agent.parse_message(item.text)
        outcomes.append(Outcome(item=item, predicted=predicted_key(parse), parse=parse))
    return outcomes


def evaluate_set(model: Path, path: Path, out: Path, data_dir: Path) -> Dict[str, Any]:
    """Score one set and write ``real-questions.json`` and ``.txt`` into ``out``."""
    items = load_items(path)
    trained = training_texts(data_dir, _normalise)
    kept = [item for item in items if _normalise(item.text) not in trained]
    unnamed = [
        item for item in load_items(path, context_free=True) if _normalise(item.text) not in trained
    ]
    parsed = asyncio.run(parse_items(model, kept + unnamed))
    outcomes, unnamed_outcomes = parsed[: len(kept)], parsed[len(kept) :]
    result = report(outcomes, len(items) - len(kept), path.name)
    result["page_questions"] = page_figures(
        [((o.item.label, *o.item.also), o.parse) for o in unnamed_outcomes]
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "real-questions.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    text = render(result)
    (out / "real-questions.txt").write_text(text + "\n")
    return {"report": text, **result}


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, required=True, help="a YAML file of labelled items")
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "clinic.tar.gz")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results" / "evaluation")
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT / "data")
    args = parser.parse_args()
    if not args.set.is_file():
        raise SystemExit(f"error: no such evaluation set: {args.set}")
    from rasa.utils.log_utils import configure_structlog

    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)
    outcome = evaluate_set(args.model, args.set, args.out, args.data)
    print(outcome["report"])
    print(f"\nWritten to {args.out}/real-questions.txt and real-questions.json")


if __name__ == "__main__":
    main()
