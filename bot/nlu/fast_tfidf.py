"""Per-message prediction of the topic models without scikit-learn's per-call overhead.

scikit-learn's ``TfidfVectorizer.transform`` and
``LogisticRegression.predict_proba`` are built for batches: on every call they
check that the model is fitted, validate the input and rebuild the IDF vector
from a diagonal matrix. For one short message that overhead was most of the
work: profiled under 20 concurrent conversations (2026-12-04), the topic
models took a fifth of the Rasa process's main thread, two thirds of it in
``check_is_fitted``, ``idf_`` and input validation.

:class:`PreparedTfidf` does the same arithmetic as ``TfidfVectorizer.transform``
(counts of the fitted vocabulary, binary or sublinear term frequency, IDF
weights, L2 norm), with everything the fitted vectorizer knows read once;
:func:`multinomial_probabilities` is ``predict_proba`` of a multinomial
logistic regression. Tests check both give scikit-learn's figures.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Sequence

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize


class PreparedTfidf:
    """A fitted ``TfidfVectorizer``'s ``transform``, with its settings read once."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        """Reads the fitted vectorizer's analyser, vocabulary and weights."""
        self.analyse: Callable[[str], List[str]] = vectorizer.build_analyzer()
        self.vocabulary: Dict[str, int] = dict(vectorizer.vocabulary_)
        self.width = len(self.vocabulary)
        self.binary = bool(vectorizer.binary)
        self.sublinear_tf = bool(vectorizer.sublinear_tf)
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64) if vectorizer.use_idf else None
        self.norm = vectorizer.norm

    def transform(self, texts: Sequence[str]) -> scipy.sparse.csr_matrix:
        """The TF-IDF rows of ``texts``, as ``vectorizer.transform(texts)`` gives them."""
        indices: List[int] = []
        counts: List[float] = []
        indptr = [0]
        for text in texts:
            row: Dict[int, int] = {}
            for feature in self.analyse(text):
                column = self.vocabulary.get(feature)
                if column is not None:
                    row[column] = row.get(column, 0) + 1
            indices.extend(row)
            counts.extend(row.values())
            indptr.append(len(indices))
        matrix = scipy.sparse.csr_matrix(
            (
                np.asarray(counts, dtype=np.float64),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr, dtype=np.int32),
            ),
            shape=(len(texts), self.width),
        )
        matrix.sort_indices()
        if self.binary:
            matrix.data.fill(1)
        if self.sublinear_tf:
            np.log(matrix.data, matrix.data)
            matrix.data += 1
        if self.idf is not None:
            matrix.data *= self.idf[matrix.indices]
        if self.norm:
            matrix = normalize(matrix, norm=self.norm, copy=False)
        return matrix


def multinomial_probabilities(
    features: scipy.sparse.csr_matrix, coefficients_by_column: np.ndarray, intercept: np.ndarray
) -> np.ndarray:
    """``predict_proba`` of a multinomial logistic regression, one row per message.

    Args:
        features: The messages' feature rows.
        coefficients_by_column: The model's ``coef_.T`` (features by labels).
        intercept: The model's ``intercept_``.
    """
    scores = np.asarray(features @ coefficients_by_column) + intercept
    scores -= scores.max(axis=1).reshape((-1, 1))
    np.exp(scores, scores)
    scores /= scores.sum(axis=1).reshape((-1, 1))
    return scores
