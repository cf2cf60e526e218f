"""Misspelt topic words of English messages are read as the training words they stand for."""

import pickle

import pytest

from bot.nlu.spelling import (
    MIN_LENGTH,
    SpellingCorrector,
    deletions,
    edit_distance,
    english_words,
    fit_spelling,
)
from bot.nlu.topic_models import fit_topic_models

TRAINING = [
    "what is a distal femoral osteotomy",
    "how is the evaluation done before the osteotomy",
    "recovery after the hip operation in cerebral palsy",
    "disadvantages of the varus derotation osteotomy",
    "lateral side of the knee",
]


@pytest.fixture(scope="module")
def speller() -> SpellingCorrector:
    return fit_spelling(TRAINING)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("osteotmy", "osteotomy"),  # a letter left out
        ("evalution", "evaluation"),
        ("recovary", "recovery"),  # a letter changed
        ("cerebal", "cerebral"),
        ("femroal", "femoral"),  # two letters swapped
        ("derotasion", "derotation"),
        ("disadvantgs", "disadvantages"),  # two edits in a long word
    ],
)
def test_a_misspelt_training_word_is_mended(speller, typed, meant) -> None:
    assert speller.correct_word(typed) == meant


def test_a_real_english_word_is_never_changed_into_a_training_word(speller) -> None:
    # "laterally" is a training-like word one edit away, but "naturally" is English.
    corrector = fit_spelling(["knee pain laterally"])
    assert "naturally" in english_words()
    assert corrector.correct_word("naturally") == "naturally"


def test_short_words_training_words_and_other_first_letters_are_kept(speller) -> None:
    assert len("lateal") == MIN_LENGTH
    assert speller.correct_word("lateal") == "lateral"
    assert speller.correct_word("latral"[: MIN_LENGTH - 1]) == "latra"  # too short to mend safely
    assert speller.correct_word("osteotomy") == "osteotomy"
    assert speller.correct_word("bsteotomy") == "bsteotomy"  # first letter differs
    assert speller.correct_word("xqzvwkj") == "xqzvwkj"  # nothing close


def test_a_text_keeps_its_other_words_and_punctuation(speller) -> None:
    assert speller.correct("Evalution before knee osteotmy?") == (
        "evaluation before knee osteotomy?"
    )
    assert speller.correct("হাঁটুর osteotmy") == "হাঁটুর osteotomy"


def test_a_hyphenated_word_the_examples_write_as_one_is_joined() -> None:
    corrector = fit_spelling(
        ["what is a realignment osteotomy", "knee realignment", "we're worried", "an x ray", "xray"]
    )
    assert corrector.correct("What is Re-alignment Osteotomy?") == "what is realignment osteotomy?"
    # "x" is commoner in the examples than "xray": the hyphen stays.
    assert corrector.correct("an x-ray of the knee") == "an x-ray of the knee"
    # Words the examples never join stay apart.
    assert corrector.correct("a well-known surgeon") == "a well-known surgeon"


def test_the_cache_is_not_pickled_and_corrections_survive_loading(speller) -> None:
    speller.correct_word("osteotmy")
    loaded = pickle.loads(pickle.dumps(speller))  # noqa: S301 (our own object)
    assert loaded._cache == {}
    assert loaded.correct_word("osteotmy") == "osteotomy"


def test_edit_distance_counts_swaps_as_one_edit() -> None:
    assert edit_distance("femroal", "femoral") == 1
    assert edit_distance("recovary", "recovery") == 1
    assert edit_distance("osteotmy", "osteotomy") == 1
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("", "abc") == 3
    assert deletions("abc", 1) == {"abc", "bc", "ac", "ab"}


LABELS = [
    "faq/dfo_what_is",
    "faq/dfo_evaluation",
    "faq/vro_recovery",
    "faq/vro_disadvantages",
    "faq/knee_valgus",
]


def test_an_english_message_is_read_with_its_spelling_mended() -> None:
    models = fit_topic_models(TRAINING, LABELS)
    typed = models.evidence("evalution before the osteotmy", mend_spelling=True)
    mended = models.evidence("evaluation before the osteotomy")
    assert typed.ranking == mended.ranking
    assert typed.neighbour_label == mended.neighbour_label
    assert typed.neighbour_similarity == mended.neighbour_similarity


def test_without_the_english_flag_the_message_is_read_as_typed() -> None:
    models = fit_topic_models(TRAINING, LABELS)
    typed = models.evidence("evalution before the osteotmy")
    mended = models.evidence("evaluation before the osteotomy")
    assert typed.neighbour_similarity < mended.neighbour_similarity
