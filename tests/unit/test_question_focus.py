"""Finding the question inside a parent's long story."""

import pytest

from bot.nlu.question_focus import (
    asks_nothing,
    asks_only_at_the_end,
    is_question,
    question_focus,
    reading_window,
    split_sentences,
    story_parts,
)

STORY = (
    "My daughter is eight and has cerebral palsy. She had botox twice and wears splints. "
    "Last month the X-ray showed her left hip moving out of the socket. "
    "The surgeon wants to cut the thigh bone and put a plate. "
    "Why is this operation needed for a child with CP?"
)


def test_sentences_split_on_stops_question_marks_and_the_bangla_danda() -> None:
    assert split_sentences("One. Two? Three! চার। পাঁচ") == ["One.", "Two?", "Three!", "চার।", "পাঁচ"]
    assert split_sentences("") == []


@pytest.mark.parametrize(
    "sentence",
    ["Why is this done?", "what is dfo", "how long does it take", "eta keno kora hoy", "এটা কি"],
)
def test_questions_are_recognised_in_three_languages(sentence: str) -> None:
    assert is_question(sentence)


@pytest.mark.parametrize("sentence", ["My son is nine.", "doctor bollo dfo lagbe", ""])
def test_statements_are_not_questions(sentence: str) -> None:
    assert not is_question(sentence)


def test_the_question_of_a_story_comes_with_the_sentence_before_it() -> None:
    assert question_focus(STORY) == (
        "The surgeon wants to cut the thigh bone and put a plate. "
        "Why is this operation needed for a child with CP?"
    )


def test_short_messages_are_read_whole() -> None:
    assert question_focus("Why is a VRO done? My son has CP.") is None


def test_a_story_without_a_question_is_focused_on_its_end() -> None:
    story = STORY.replace("Why is this operation needed for a child with CP?", "Please explain.")
    assert question_focus(story).endswith("Please explain.")


def test_a_short_story_splits_into_clauses_too() -> None:
    parts = story_parts("amar hatu beka, doctor bollo DFO lagbe; eta keno kora hoy?")
    assert parts == ["amar hatu beka", "doctor bollo DFO lagbe", "eta keno kora hoy"]
    assert story_parts("ডাক্তার বলেছেন। এটা কী?") == ["ডাক্তার বলেছেন", "এটা কী"]
    assert asks_only_at_the_end(parts)
    assert not asks_only_at_the_end(story_parts("What is DFO? Why is it done?"))
    assert not asks_only_at_the_end(["why is DFO done"])


def test_a_story_or_statement_that_asks_nothing_is_told_apart() -> None:
    assert asks_nothing(
        "We saw the surgeon today and he said she needs the osteotomy. It sounds frightening."
    )
    assert asks_nothing("আজ ডাক্তার দেখালাম, উনি বললেন ছেলের হিপের অপারেশন লাগবে। খুব ভয় লাগছে।")
    # A question anywhere, in any of the three languages, is not a story.
    assert not asks_nothing("We saw the surgeon today. How long will she be in the cast?")
    assert not asks_nothing("I had the osteotomy a year ago, the pain went, but why is it bad")
    assert not asks_nothing("wat is the benifit of this knee bone cutting operation")
    assert not asks_nothing(
        "daktar bollo cheler hip er operation lagbe, koto din hospital e thakbe"
    )
    # Short messages are replies or questions, not stories.
    assert not asks_nothing("ok thank you")
    assert not asks_nothing("knee osteotomy")


NARRATIVE = "We have been to three hospitals and every doctor told us something different. " * 20


def test_a_message_within_the_window_is_read_whole() -> None:
    assert reading_window(STORY, max_chars=len(STORY)) == STORY


def test_an_over_long_story_is_read_by_its_question_and_the_sentence_before() -> None:
    text = NARRATIVE + STORY
    window = reading_window(text, max_chars=400)
    assert len(window) <= 400
    assert window.endswith(
        "The surgeon wants to cut the thigh bone and put a plate. "
        "Why is this operation needed for a child with CP?"
    )
    assert window.startswith("We have been")


def test_questions_asked_early_are_kept_in_order_before_the_end() -> None:
    text = "Is the plate removed later? " + NARRATIVE + "That is all for now."
    window = reading_window(text, max_chars=200)
    assert len(window) <= 200
    assert window.startswith("Is the plate removed later? ")
    assert window.endswith("That is all for now.")


def test_a_story_that_asks_nothing_is_read_by_its_end() -> None:
    text = NARRATIVE + "She starts school next month."
    window = reading_window(text, max_chars=200)
    assert len(window) <= 200
    assert window.endswith("She starts school next month.")


def test_a_question_longer_than_the_window_is_read_from_its_end_at_a_word() -> None:
    text = "why " + "my son walks on his toes and " * 100 + "what is VRO?"
    window = reading_window(text, max_chars=100)
    assert len(window) <= 100
    assert window.endswith("what is VRO?")
    assert window.split(" ")[0] in {"my", "son", "walks", "on", "his", "toes", "and"}
