"""all-MiniLM-L6-v2 sentence vectors, computed with NumPy from the installed files."""

import math

import numpy as np
import pytest

from bot.nlu import sentence_encoder
from bot.nlu.sentence_encoder import (
    MAX_TOKENS,
    SentenceModelMissingError,
    erf,
    gelu,
    layer_norm,
    mean_pool,
    read_encoder,
    shared_encoder,
)


@pytest.fixture(scope="module")
def encoder():
    return shared_encoder()


def test_erf_matches_the_exact_function_to_float32_precision() -> None:
    points = np.linspace(-5, 5, 2001, dtype=np.float32)
    exact = np.array([math.erf(float(x)) for x in points])
    assert np.abs(erf(points) - exact).max() < 5e-7
    assert erf(points).dtype == np.float32


def test_gelu_is_zero_at_zero_and_the_identity_far_above_it() -> None:
    values = gelu(np.array([0.0, 10.0, -10.0], dtype=np.float32))
    assert values.tolist() == pytest.approx([0.0, 10.0, 0.0], abs=1e-5)


def test_layer_norm_centres_and_scales_each_row() -> None:
    rows = np.array([[1.0, 2.0, 3.0, 6.0], [10.0, 10.0, 12.0, 8.0]], dtype=np.float32)
    normed = layer_norm(rows, np.ones(4, np.float32), np.zeros(4, np.float32), 1e-12)
    assert normed.mean(axis=1) == pytest.approx([0.0, 0.0], abs=1e-6)
    assert normed.std(axis=1) == pytest.approx([1.0, 1.0], abs=1e-5)


def test_mean_pooling_leaves_padding_out() -> None:
    hidden = np.array([[[3.0, 0.0], [0.0, 4.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1.0, 1.0, 0.0]], dtype=np.float32)
    assert mean_pool(hidden, mask)[0].tolist() == pytest.approx([0.6, 0.8])


def test_every_text_gets_one_vector_of_length_one(encoder) -> None:
    vectors = encoder.encode(["What is a DFO?", "how long is the hospital stay after hip surgery"])
    assert vectors.shape == (2, 384)
    assert vectors.dtype == np.float32
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 1.0], abs=1e-5)
    assert encoder.encode([]).shape == (0, 384)


def test_a_text_gets_the_same_vector_alone_and_beside_longer_texts(encoder) -> None:
    short = "Is the operation painful?"
    alone = encoder.encode([short])[0]
    padded = encoder.encode([short, "my daughter has cerebral palsy " * 20, "hello"])[0]
    assert float(alone @ padded) == pytest.approx(1.0, abs=1e-5)


def test_questions_that_mean_the_same_are_closer_than_unrelated_ones(encoder) -> None:
    question, same, unrelated = encoder.encode(
        [
            "What hip problems do babies often have?",
            "Which hip conditions are common in infants?",
            "Where can I park my car at the hospital?",
        ]
    )
    assert float(question @ same) > 0.6
    assert float(question @ same) > float(question @ unrelated) + 0.3


def test_a_message_longer_than_the_model_reads_is_cut_not_refused(encoder) -> None:
    long_text = "my knee hurts when I walk " * 400
    assert len(encoder._tokenizer.encode(long_text).ids) == MAX_TOKENS
    assert encoder.encode([long_text]).shape == (1, 384)


def test_a_missing_model_says_how_to_install_it(tmp_path) -> None:
    with pytest.raises(SentenceModelMissingError, match="make install"):
        read_encoder(tmp_path)


def test_the_default_directory_is_the_one_make_install_fills() -> None:
    assert sentence_encoder.DEFAULT_MODEL_DIR.parts[-2:] == ("build", "sentence-model")
