"""A "bot_challenge" reading needs a message that names the one answering."""

from pathlib import Path
from typing import List

import pytest
import yaml

from bot.evaluation.model_diff import evaluation_sets, load_labelled
from bot.nlu.response_aware_fallback import ResponseAwareFallbackClassifier
from bot.nlu.who_answers import BOT_CHALLENGE, speaks_of_who_answers
from tests.unit.test_response_aware_fallback import CONFIG, parsed_message

DATA = Path(__file__).parents[2] / "data" / "nlu"


def bot_challenge_examples() -> List[str]:
    """Every training example of ``bot_challenge``, in the three ways of writing."""
    examples = []
    for path in sorted(DATA.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if block.get("intent") == BOT_CHALLENGE:
                examples += [
                    line.strip()[2:] for line in str(block.get("examples", "")).splitlines()
                ]
    return [text for text in examples if text]


def test_every_way_we_ask_who_answers_names_them() -> None:
    examples = bot_challenge_examples()
    labelled = [
        entry.item.text
        for path in evaluation_sets()
        for entry in load_labelled(path)
        if entry.item.label == BOT_CHALLENGE
    ]
    assert len(examples) > 40 and len(labelled) > 20
    assert [text for text in examples + labelled if not speaks_of_who_answers(text)] == []


@pytest.mark.parametrize(
    "text",
    [
        "are you a bot?",
        "আমি কি মানুষের সাথে কথা বলছি?",
        "ke reply dicche, manush na machine?",
        "is this the doctor himself?",
        "স্যার নিজে কি উত্তর দিচ্ছেন?",
    ],
)
def test_questions_about_who_answers_are_recognised(text: str) -> None:
    assert speaks_of_who_answers(text)


@pytest.mark.parametrize(
    "text",
    [
        # Read as bot_challenge (0.3 to 0.67) by the models.
        "is this operation safe?",
        "এটা কি নিরাপদ?",
        "eta ki nirapod?",
        # A form of address is not a question about who answers.
        "sir, is it safe?",
        "ডাক্তার সাহেব, এটা কি নিরাপদ?",
    ],
)
def test_questions_about_the_operation_are_not(text: str) -> None:
    assert not speaks_of_who_answers(text)


def reading(text: str, confidence: float = 0.67) -> str:
    message = parsed_message(BOT_CHALLENGE, confidence, 0.1)
    message.set("text", text)
    classifier = ResponseAwareFallbackClassifier(
        {**ResponseAwareFallbackClassifier.get_default_config(), **CONFIG}
    )
    return classifier.process([message])[0].get("intent")["name"]


def test_a_bot_challenge_reading_that_names_nobody_falls_back() -> None:
    assert reading("এটা কি নিরাপদ?") == "nlu_fallback"
    assert reading("এটা কি বট?") == BOT_CHALLENGE
    # Rasa's own threshold still applies to one that does.
    assert reading("are you a bot?", confidence=0.2) == "nlu_fallback"
