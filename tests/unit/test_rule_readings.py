"""The rules that read short messages before the models agree with the training data."""

from pathlib import Path

import yaml

from bot.nlu.topic_classifier import RULE_READINGS

DATA = Path(__file__).parents[2] / "data" / "nlu"


def test_no_training_example_is_read_by_a_rule_as_another_label() -> None:
    # A rule overrides the models; if it read one of our own examples as
    # something else, the data and the rule would contradict each other.
    clashes = []
    for path in sorted(DATA.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            label = str(block.get("intent", ""))
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip()[2:]
                for name, read in RULE_READINGS:
                    ruled = read(text)
                    if ruled and ruled != label:
                        clashes.append((path.name, label, name, ruled, text[:60]))
    assert clashes == []


def test_the_rules_are_reported_by_name() -> None:
    assert [name for name, _ in RULE_READINGS] == [
        "short_reply",
        "definition",
        "question_frame",
        "unnamed_operation",
        "story_question",
        "story_definition",
        "first_question",
    ]
