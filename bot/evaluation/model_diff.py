"""`make compare-models`: what a retrained model answers differently, message by message.

Adding twenty training lines for one kind of question moves the answers to
other questions too: the vocabulary and the latent topic space are refitted.
A headline figure that stays the same can hide two answers gained and two
lost. Before a retrained model goes live, a reviewer sees every labelled
message whose answer changed, and whether it became right, stopped being
right, or became a wrong FAQ answer.

Both models parse every labelled message of the evaluation sets: the
``messages`` format (``text``, ``expected``) of our own sets and the
``items`` format (``text``, ``label``, ``also``, ``lang``) of real questions
(``bot.evaluation.real_questions``; ``context_free`` items are left out). A
message counts as right and wrong exactly as ``make evaluate EVAL_SET=...``
counts it.

``make train`` keeps the model it replaces as ``build/previous-model.tar.gz``,
so the loop is: edit ``data/``, ``make train``, ``make compare-models``.

Only what the model file holds is compared. The rule lists beside the NLU
components (``bot/nlu/*.yml``: red flags, unanswered kinds, question frames,
the glossary) are read from the working tree when a model is loaded, so both
models read the same ones: what a rule change moves shows in ``make
evaluate`` run before and after it, not here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence

import yaml

from bot.evaluation.real_questions import Item, Outcome, items_of, parse_items, text_and_label
from bot.settings import PROJECT_ROOT

EVALUATION_SETS = PROJECT_ROOT / "tests" / "evaluation"
# Not labelled messages: the configuration of Rasa's default pipeline.
NOT_A_SET = frozenset({"rasa_init_config.yml"})
PREVIOUS_MODEL = PROJECT_ROOT / "build" / "previous-model.tar.gz"
CURRENT_MODEL = PROJECT_ROOT / "models" / "clinic.tar.gz"
# How a changed answer is described, in the order the report lists them.
KINDS = ("lost", "became wrong", "gained", "no longer wrong", "moved")


@dataclass(frozen=True)
class Labelled:
    """One labelled message and the set it came from."""

    set_name: str
    item: Item


@dataclass(frozen=True)
class Change:
    """A message whose predicted key differs between the two models."""

    set_name: str
    item: Item
    before: str
    after: str
    kind: str


def language_of(set_name: str) -> str:
    """The language of a ``messages`` set, from its name (``dev_bn_latn`` is romanized)."""
    if set_name.endswith("_bn_latn"):
        return "bn_latn"
    if set_name.endswith("_bn"):
        return "bn"
    return "en"


def load_labelled(path: Path) -> List[Labelled]:
    """The scorable messages of one evaluation set, in either format.

    Raises:
        ValueError: when the file is not YAML, holds neither a ``messages``
            nor an ``items`` list, or an entry lacks its text or label.
    """
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ValueError(f"{path.name}: not valid YAML ({error.__class__.__name__})") from None
    if not isinstance(document, dict):
        raise ValueError(f"{path.name}: not a mapping of messages or items")
    name = path.stem
    loaded: List[Labelled] = []
    if isinstance(document.get("messages"), list):
        for entry in document["messages"]:
            text, label = text_and_label(path, entry, "expected")
            loaded.append(Labelled(name, Item(text=text, label=label, lang=language_of(name))))
        return loaded
    if isinstance(document.get("items"), list):
        return [Labelled(name, item) for item in items_of(document["items"], path)]
    raise ValueError(f"{path.name}: no list of 'messages' or 'items'")


def evaluation_sets(directory: Path = EVALUATION_SETS) -> List[Path]:
    """Every labelled set in ``directory``, by name."""
    return sorted(path for path in directory.glob("*.yml") if path.name not in NOT_A_SET)


def change_kind(before: Outcome, after: Outcome) -> str:
    """How the answer to one message changed (the two predictions differ)."""
    if before.right and not after.right:
        return "became wrong" if after.wrong_answer else "lost"
    if after.right and not before.right:
        return "gained"
    if before.wrong_answer and not after.wrong_answer:
        return "no longer wrong"
    if after.wrong_answer and not before.wrong_answer:
        return "became wrong"
    return "moved"


def changes(
    labelled: Sequence[Labelled], before: Sequence[Outcome], after: Sequence[Outcome]
) -> List[Change]:
    """The messages whose predicted key differs, worst kinds first.

    Raises:
        ValueError: when the three sequences are not of the same length.
    """
    if not len(labelled) == len(before) == len(after):
        raise ValueError("each labelled message needs one outcome from each model")
    found = [
        Change(entry.set_name, entry.item, old.predicted, new.predicted, change_kind(old, new))
        for entry, old, new in zip(labelled, before, after, strict=True)
        if old.predicted != new.predicted
    ]
    return sorted(found, key=lambda change: KINDS.index(change.kind))


def totals(outcomes: Iterable[Outcome]) -> Dict[str, int]:
    """Messages, right ones and wrong FAQ answers."""
    counted = list(outcomes)
    return {
        "messages": len(counted),
        "right": sum(outcome.right for outcome in counted),
        "wrong_answers": sum(outcome.wrong_answer for outcome in counted),
    }


def report(
    labelled: Sequence[Labelled], before: Sequence[Outcome], after: Sequence[Outcome]
) -> Dict[str, Any]:
    """Both models' totals, overall and per set, and every changed answer."""
    found = changes(labelled, before, after)
    by_set: Dict[str, List[int]] = {}
    for index, entry in enumerate(labelled):
        by_set.setdefault(entry.set_name, []).append(index)
    per_set = {
        name: {
            "before": totals(before[i] for i in chosen),
            "after": totals(after[i] for i in chosen),
        }
        for name, chosen in by_set.items()
    }
    return {
        "before": totals(before),
        "after": totals(after),
        "by_kind": {kind: sum(c.kind == kind for c in found) for kind in KINDS},
        "sets": per_set,
        "changes": [
            {
                "set": change.set_name,
                "text": change.item.text,
                "label": change.item.label,
                "also": list(change.item.also),
                "lang": change.item.lang,
                "before": change.before,
                "after": change.after,
                "kind": change.kind,
            }
            for change in found
        ],
    }


def render(result: Dict[str, Any], text_width: int = 100) -> str:
    """The report as plain text: totals, the sets that moved, then each change."""
    before, after = result["before"], result["after"]
    lines = [
        f"{before['messages']} labelled messages",
        f"right:         {before['right']} -> {after['right']}",
        f"wrong answers: {before['wrong_answers']} -> {after['wrong_answers']}",
        "changed: "
        + ", ".join(f"{count} {kind}" for kind, count in result["by_kind"].items() if count)
        if result["changes"]
        else "changed: none",
    ]
    moved_sets = [
        (name, figures)
        for name, figures in result["sets"].items()
        if figures["before"] != figures["after"]
    ]
    if moved_sets:
        lines.append("")
        lines.append("sets whose figures moved (right, wrong answers):")
        for name, figures in moved_sets:
            old, new = figures["before"], figures["after"]
            lines.append(
                f"  {name}: {old['right']}/{old['messages']} -> {new['right']}/{new['messages']},"
                f" {old['wrong_answers']} -> {new['wrong_answers']}"
            )
    if result["changes"]:
        lines.append("")
    for change in result["changes"]:
        text = " ".join(change["text"].split())
        if len(text) > text_width:
            text = text[: text_width - 3] + "..."
        lines.append(
            f"[{change['kind']}] {change['set']} ({change['label']}): "
            f"{change['before']} -> {change['after']} | {text}"
        )
    return "\n".join(lines)


async def parsed_report(
    before_model: Path, after_model: Path, labelled: Sequence[Labelled]
) -> Dict[str, Any]:
    """Parse the labelled messages with both models and compare (``report``)."""
    items = [entry.item for entry in labelled]
    before = await parse_items(before_model, items)
    after = await parse_items(after_model, items)
    return report(labelled, before, after)


def compare(before_model: Path, after_model: Path, sets: Sequence[Path]) -> Dict[str, Any]:
    """Parse every labelled message of ``sets`` with both models and compare."""
    labelled = [entry for path in sets for entry in load_labelled(path)]
    return asyncio.run(parsed_report(before_model, after_model, labelled))


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, default=PREVIOUS_MODEL)
    parser.add_argument("--after", type=Path, default=CURRENT_MODEL)
    parser.add_argument(
        "--set",
        dest="sets",
        type=Path,
        action="append",
        help="a labelled YAML set (repeatable; default: every set in tests/evaluation)",
    )
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results" / "evaluation")
    args = parser.parse_args()
    for model, role in ((args.before, "before"), (args.after, "after")):
        if not model.is_file():
            hint = " (`make train` keeps the model it replaces there)" if role == "before" else ""
            raise SystemExit(f"error: no {role} model at {model}{hint}")
    sets = args.sets or evaluation_sets()
    for path in sets:
        if not path.is_file():
            raise SystemExit(f"error: no such evaluation set: {path}")
    from rasa.utils.log_utils import configure_structlog

    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)
    try:
        result = compare(args.before, args.after, sets)
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "model-diff.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    text = render(result)
    (args.out / "model-diff.txt").write_text(text + "\n")
    print(text)
    print(f"\nWritten to {args.out}/model-diff.txt and model-diff.json")


if __name__ == "__main__":
    main()
