"""config.yml: settings two components must share are the same in both."""

from typing import Any, Dict

import yaml

from bot.settings import PROJECT_ROOT

SHARED = ("answer_threshold", "similarity_threshold", "confident_threshold")


def _component(name: str) -> Dict[str, Any]:
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    found = [entry for entry in config["pipeline"] if entry["name"].endswith(name)]
    assert len(found) == 1, name
    return found[0]


def test_the_topic_classifier_asks_the_sentence_neighbours_where_the_fallback_needs_them() -> None:
    topic = _component(".TopicClassifier")
    fallback = _component(".ResponseAwareFallbackClassifier")
    assert {key: topic[key] for key in SHARED} == {key: fallback[key] for key in SHARED}
    assert fallback["sentence_threshold"] is not None
