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

For one message, even building a scipy sparse matrix (format checks, index
sorting, ``normalize``'s input validation, ``hstack``) was most of the topic
models' time under 20 concurrent conversations (py-spy, 2026-12-04):
:meth:`PreparedTfidf.row` gives the one row as two arrays (columns, weights),
and :func:`softmax` and :func:`sparse_dot` work on those.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Sequence, Tuple

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

    def row(self, text: str) -> Tuple[np.ndarray, np.ndarray]:
        """One text's TF-IDF row as its columns (ascending) and weights: ``transform([text])``."""
        counts: Dict[int, int] = {}
        for feature in self.analyse(text):
            column = self.vocabulary.get(feature)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        order = np.argsort(columns, kind="stable")
        columns, values = columns[order], values[order]
        if self.binary:
            values.fill(1)
        if self.sublinear_tf:
            np.log(values, values)
            values += 1
        if self.idf is not None:
            values *= self.idf[columns]
        return columns, normalised_row(values, self.norm)

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


def normalised_row(values: np.ndarray, norm: object) -> np.ndarray:
    """A row's weights scaled to unit ``norm`` ("l2", "l1" or None), as ``normalize`` does."""
    if norm == "l2":
        length = np.sqrt(np.dot(values, values))
    elif norm == "l1":
        length = np.abs(values).sum()
    else:
        return values
    if length > 0:
        values /= length
    return values


def softmax(scores: np.ndarray) -> np.ndarray:
    """The probabilities of one row of multinomial scores (changed in place)."""
    scores -= scores.max()
    np.exp(scores, scores)
    scores /= scores.sum()
    return scores


def sparse_dot(
    columns: np.ndarray, values: np.ndarray, by_column: scipy.sparse.csr_matrix, width: int
) -> np.ndarray:
    """``row @ by_column`` for a row given as columns and weights; a dense result of ``width``.

    ``by_column`` holds, in its row ``c``, what column ``c`` of the row
    multiplies; the products are summed in the order scipy sums them.
    """
    starts, ends = by_column.indptr[columns], by_column.indptr[columns + 1]
    lengths = ends - starts
    if not lengths.sum():
        return np.zeros(width)
    positions = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)])
    weights = np.repeat(values, lengths) * by_column.data[positions]
    return np.bincount(by_column.indices[positions], weights=weights, minlength=width)


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
