"""The prepared vectorizers and probabilities give scikit-learn's figures."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.nlu.fast_tfidf import PreparedTfidf, multinomial_probabilities, softmax, sparse_dot

TRAINING = [
    "what is a distal femoral osteotomy",
    "dfo knee knock knee surgery",
    "how long is the spica cast after vro",
    "hip surgery for cerebral palsy",
    "hello there",
    "হাঁটুর অপারেশন কী",
    "hatu beke geche",
]
LABELS = ["knee", "knee", "hip", "hip", "greet", "knee", "knee"]
MESSAGES = [
    "what is dfo",
    "spica cast weeks",
    "",
    "zzzz qqqq",
    "knee knee knee knee",
    "হাঁটুর অপারেশন",
    "HELLO There!!",
    "cast" * 200,
]
VECTORIZERS = {
    "words and pairs, sublinear": dict(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
    "characters inside words": dict(analyzer="char_wb", ngram_range=(2, 5), min_df=2),
    "binary, case kept": dict(analyzer="word", binary=True, lowercase=False),
    "no idf, l1": dict(analyzer="word", use_idf=False, norm="l1"),
    "no norm": dict(analyzer="word", norm=None, sublinear_tf=True),
}


@pytest.mark.parametrize("options", VECTORIZERS.values(), ids=VECTORIZERS.keys())
def test_transform_matches_scikit_learn(options: dict) -> None:
    vectorizer = TfidfVectorizer(**options).fit(TRAINING)
    prepared = PreparedTfidf(vectorizer)
    for batch in ([text] for text in MESSAGES + TRAINING):
        expected = vectorizer.transform(batch)
        got = prepared.transform(batch)
        assert got.shape == expected.shape
        np.testing.assert_allclose(got.toarray(), expected.toarray(), rtol=0, atol=1e-12)
    batch = prepared.transform(MESSAGES)
    np.testing.assert_allclose(
        batch.toarray(), vectorizer.transform(MESSAGES).toarray(), rtol=0, atol=1e-12
    )


def test_probabilities_match_predict_proba() -> None:
    vectorizer = TfidfVectorizer().fit(TRAINING)
    model = LogisticRegression(C=20.0, max_iter=300).fit(vectorizer.transform(TRAINING), LABELS)
    features = vectorizer.transform(MESSAGES)
    got = multinomial_probabilities(features, np.asfortranarray(model.coef_).T, model.intercept_)
    np.testing.assert_allclose(got, model.predict_proba(features), rtol=0, atol=1e-12)
    np.testing.assert_allclose(got.sum(axis=1), 1.0)


@pytest.mark.parametrize("options", VECTORIZERS.values(), ids=VECTORIZERS.keys())
def test_one_row_is_the_transform_of_one_text(options: dict) -> None:
    vectorizer = TfidfVectorizer(**options).fit(TRAINING)
    prepared = PreparedTfidf(vectorizer)
    for text in MESSAGES + TRAINING:
        expected = vectorizer.transform([text])
        expected.sort_indices()
        columns, values = prepared.row(text)
        assert list(columns) == list(expected.indices)
        np.testing.assert_allclose(values, expected.data, rtol=0, atol=1e-12)


def test_a_sparse_dot_is_scipys_product() -> None:
    vectorizer = TfidfVectorizer().fit(TRAINING)
    examples = vectorizer.transform(TRAINING)
    by_column = examples.T.tocsr()
    prepared = PreparedTfidf(vectorizer)
    for text in MESSAGES:
        columns, values = prepared.row(text)
        expected = (vectorizer.transform([text]) @ by_column).toarray().ravel()
        got = sparse_dot(columns, values, by_column, len(TRAINING))
        np.testing.assert_array_equal(got, expected)


def test_softmax_of_one_row_is_the_batch_probabilities() -> None:
    scores = np.array([[2.0, -1.0, 0.5], [0.0, 0.0, 0.0]])
    by_row = np.vstack([softmax(row.copy()) for row in scores])
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    np.testing.assert_allclose(by_row, exp / exp.sum(axis=1, keepdims=True), rtol=0, atol=1e-15)
