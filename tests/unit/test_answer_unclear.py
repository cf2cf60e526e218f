"""Right after an answer, "I don't understand" is read as about that answer."""

from typing import Any, Dict, List

import pytest

from bot.answer_unclear import last_reply_answer, unclear_answer
from bot.nlu.short_replies import load_short_replies, says_answer_unclear


def user(text: str) -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {}}


def bot(response: str) -> Dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


ANSWERED: List[Dict[str, Any]] = [user("what is DFO"), bot("utter_faq/dfo_what_is")]


@pytest.mark.parametrize(
    "text",
    ["I don't understand", "i dont understand you", "What do you mean?", "বুঝলাম না", "ok bujhi nai"],
)
def test_saying_it_was_not_understood_in_three_languages(text: str) -> None:
    assert says_answer_unclear(text)


@pytest.mark.parametrize(
    "text", ["what is DFO", "I understand", "বুঝেছি", "i don't understand why the hip is cut"]
)
def test_a_question_or_an_acknowledgement_is_not(text: str) -> None:
    assert not says_answer_unclear(text)


def test_no_phrasing_is_also_a_short_reply_of_an_intent() -> None:
    replies = load_short_replies()
    assert replies.unclear and not replies.unclear & set(replies.intents)


def test_right_after_an_answer_it_is_about_that_answer() -> None:
    text = "I don't understand"
    assert unclear_answer(text, [*ANSWERED, user(text)]) == ("dfo_what_is", "first")
    rest = [*ANSWERED, user("tell me more"), bot("utter_faq_more/dfo_what_is"), user(text)]
    assert unclear_answer(text, rest) == ("dfo_what_is", "more")


def test_after_anything_but_an_answer_it_is_about_none() -> None:
    text = "I don't understand"
    assert unclear_answer(text, [user(text)]) is None
    clarified = [*ANSWERED, user("hmm?"), bot("utter_clarify"), user(text)]
    assert unclear_answer(text, clarified) is None
    # The answer came before the patient's previous message, not right before this one.
    assert last_reply_answer([*ANSWERED, user("ok"), user(text)]) is None
    assert unclear_answer("how long is the recovery?", [*ANSWERED, user("x")]) is None
