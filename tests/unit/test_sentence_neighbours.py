"""The label of the training examples closest in meaning."""

import numpy as np
import pytest

from bot.nlu.sentence_neighbours import SentenceNeighbours, readable_examples, vote


def test_the_label_with_the_most_similarity_among_the_closest_wins() -> None:
    similarities = np.array([0.9, 0.5, 0.55, 0.52, 0.1, 0.0])
    labels = ["a", "b", "b", "b", "a", "c"]
    # One very close "a" against three fairly close "b": the sum decides.
    assert vote(similarities, labels, neighbours=5) == ("b", pytest.approx(0.55))
    # With only the closest two voting, "a" wins.
    assert vote(similarities, labels, neighbours=2) == ("a", pytest.approx(0.9))


def test_a_tie_goes_to_the_label_with_the_closer_example() -> None:
    assert vote(np.array([0.6, 0.4, 0.5, 0.5]), ["a", "a", "b", "b"], neighbours=4)[0] == "a"


def test_fewer_examples_than_voters_and_no_examples() -> None:
    assert vote(np.array([0.3]), ["a"], neighbours=5) == ("a", pytest.approx(0.3))
    assert vote(np.array([]), []) == ("", 0.0)


def test_examples_in_bangla_script_are_left_out() -> None:
    texts = ["what is dfo", "ডিএফও কী?", "dfo ki"]
    labels = ["faq/dfo_what_is", "faq/dfo_what_is", "faq/dfo_what_is"]
    assert readable_examples(texts, labels) == (["what is dfo", "dfo ki"], labels[:2])


def test_stored_half_precision_vectors_are_compared_as_floats() -> None:
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float16)
    neighbours = SentenceNeighbours(vectors, ["x", "y", "y"])
    label, similarity = neighbours.nearest(np.array([0.0, 1.0], dtype=np.float32))
    assert label == "y"
    assert similarity == pytest.approx(1.0)
