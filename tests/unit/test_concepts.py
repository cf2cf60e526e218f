"""Concept tokens (bot/nlu/concepts.py): one feature for the many ways an idea is named."""

from pathlib import Path

import pytest

from bot.nlu.concepts import (
    CONCEPTS_FILE,
    concept_phrases,
    concept_tokens,
    concepts_in,
    mentions,
    word_matches,
)
from bot.nlu.topic_models import fit_topic_models


def test_the_clinics_concept_file_loads_with_valid_names() -> None:
    phrases = concept_phrases(CONCEPTS_FILE)
    assert {"knock_knee", "cerebral_palsy", "cast", "recovery", "why"} <= set(phrases)
    assert all(phrases[name] for name in phrases), "a concept without phrases"


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("My daughter has knock knees", "knock_knee"),
        ("what is genu valgum", "knock_knee"),
        ("দুই হাঁটু লেগে যায়", "knock_knee"),
        ("amar hatu lege jay", "knock_knee"),
        ("হাঁটুর ব্যথা", "knee"),
        ("কোমরের হাড়", "hip"),
        # "হিপ" is too short to match "হিপের" by itself.
        ("মেয়ের হিপের অপারেশন হবে", "hip"),
        ("He has CP", "cerebral_palsy"),
        ("সিপি আছে", "cerebral_palsy"),
        ("how long is the spica on", "cast"),
        ("koto din lagbe recovery", "recovery"),
    ],
)
def test_a_concept_is_found_in_any_of_the_three_ways_of_writing(text: str, concept: str) -> None:
    assert concept in concepts_in(text)


def test_short_phrase_words_match_whole_words_only() -> None:
    assert word_matches("cp", "cp")
    assert not word_matches("cp", "cpr")
    assert word_matches("knee", "knees")
    assert "cerebral_palsy" not in concepts_in("she learnt CPR at school")


def test_a_phrase_of_several_words_matches_them_in_order_and_together() -> None:
    assert mentions(("knock", "knee"), ["my", "knock", "knees", "hurt"])
    assert not mentions(("knock", "knee"), ["knee", "knock"])
    assert not mentions(("knock", "knee"), ["knock", "on", "knee"])


def test_a_message_without_concepts_gets_no_tokens() -> None:
    assert concept_tokens("hello there") == ""
    assert concept_tokens("knock knees") == "concept_knock_knee concept_knee"


def test_a_malformed_concept_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "concepts.yml"
    bad.write_text("concepts:\n  Knock Knee:\n    - knock knee\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lower-case"):
        concept_phrases(bad)


def test_an_example_taught_in_one_vocabulary_teaches_the_others() -> None:
    """Trained on "knock knee" only, the models place "genu valgum" and the
    Bangla "হাঁটু লেগে যায়" there too: no word or letter is shared."""
    texts = [
        "what is a knock knee",
        "tell me about knock knees",
        "how long does the body cast stay",
        "when does the cast come off",
        "hello",
        "good morning",
    ]
    labels = ["faq/valgus", "faq/valgus", "faq/cast", "faq/cast", "greet", "greet"]
    models = fit_topic_models(texts, labels)
    for message in ("genu valgum?", "হাঁটু লেগে যায় কেন"):
        evidence = models.evidence(message)
        probability = dict(evidence.ranking)
        assert probability["faq/valgus"] > probability["faq/cast"], message
        assert evidence.neighbour_label == "faq/valgus", message


def test_the_first_word_index_finds_exactly_what_trying_every_phrase_finds() -> None:
    from bot.nlu.concepts import first_word_index, mentions, mentions_any, words
    from bot.nlu.unanswered_kinds import question_kinds

    messages = [
        "how much does the operation cost?",
        "will my child need a wheelchair after the hip surgery",
        "operation er por kobe theke hatte parbo",
        "অপারেশনের খরচ কত?",
        "cp",
        "cpr training for parents",
        "",
        "is it painful",
        "what food should he eat after the operation",
    ]
    for kind in question_kinds():
        index = first_word_index(kind.phrases)
        for text in messages:
            message_words = words(text.lower())
            expected = any(mentions(phrase, message_words) for phrase in kind.phrases)
            assert mentions_any(index, message_words) == expected, (kind.name, text)
