"""Two different models of what a message is about, and the evidence they give.

One classifier predicts every label the assistant knows, plain intents and FAQ
keys alike (``greet``, ``beyond_sources``, ``faq/dfo_recovery``...):

* the **linear model** reads word uni- and bigrams and character n-grams
  (inside word boundaries, robust to misspellings) with TF-IDF weights and
  predicts label probabilities (multinomial logistic regression);
* the **neighbour model** reads only word stems (the first letters of each
  word) and finds the label whose closest training examples are closest to
  the message (cosine similarity).

A message that is word for word one of the training examples (case, spacing
and punctuation aside) gets that example's label with certainty: a phrasing
staff corrected in the console is answered right after the next training,
whatever the models make of it.

An FAQ answer is given only when both agree and the message is close enough
to the training examples of the chosen answer (``Evidence.agrees``). The two
read different features, so a message the linear model places with high
confidence only because of one shared word ("rotator cuff" and "derotation")
rarely also lands next to that answer's examples.

Plain functions and a picklable dataclass: tests call them without Rasa.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from bot.nlu.bangla import normalise_word
from bot.nlu.concepts import concept_tokens
from bot.nlu.fast_tfidf import (
    PreparedTfidf,
    multinomial_probabilities,
    normalised_row,
    softmax,
    sparse_dot,
)
from bot.nlu.spelling import SpellingCorrector, fit_spelling

# Words: Latin letters and digits, or Bangla script kept whole (vowel signs
# are not \w to Python's re, so a plain \w+ cuts Bangla words apart).
WORD_PATTERN = r"(?u)[\w\u0980-\u09FF]+"
_WORD = re.compile(WORD_PATTERN)
# The neighbour model's stems: the first letters of each word.
STEM_LETTERS = 6
# The linear model's character n-gram vocabulary is capped: a bounded model
# file and training time whatever the data grows to.
MAX_CHAR_FEATURES = 50_000
NEIGHBOURS_PER_LABEL = 3
# How much the concept tokens (bot/nlu/concepts.yml) weigh against the words.
CONCEPT_WEIGHT = 0.5
NO_CONCEPT = "concept_none"
# Texts to their feature rows: a vectorizer's transform or fit_transform.
Transform = Callable[[Sequence[str]], scipy.sparse.spmatrix]
LINEAR_C = 20.0
LINEAR_MAX_ITERATIONS = 300
# The linear model also reads each message as a point in a latent topic
# space: its word stems (as the neighbour model reads them) projected on the
# strongest directions of the training examples' stems (latent semantic
# analysis: a truncated SVD, fitted on our own examples only). Stems that
# occur with the same others land close, so a clinician's "indications" and
# a patient's "who is it for" can meet though they share no word.
SEMANTIC_DIMENSIONS = 300
# The latent vector weighs as much as each word block when the model is
# fitted, and counts 0.85 of that for a message being classified: the
# directions were found on the training examples themselves, so the model
# learns to trust them more than a new message's point deserves. Measured
# on real patients' questions (README, Evaluation): fitted and read at 0.75,
# 3 wrong answers of 221; fitted at 1.0 and read at 0.85, 1, with one more
# right; read at 1.0, 5.
SEMANTIC_WEIGHT = 1.0
SEMANTIC_DISCOUNT = 0.85
# Stem rows kept per model (a message and its question part, a few messages).
_STEM_ROWS_KEPT = 8


# How much each feature block (words, character n-grams, concepts) weighs.
BLOCK_WEIGHTS = (1.0, 1.0, CONCEPT_WEIGHT)


def normalise(text: str) -> str:
    """Lower-case, canonical Bangla, one space between words."""
    return " ".join(normalise_word(word) for word in (text or "").lower().split())


def phrasing_key(text: str) -> str:
    """The message's words only, as a key for finding the same question.

    The same question typed with other case, spacing or punctuation gets the
    same key.
    """
    return " ".join(_WORD.findall(normalise(text)))


def known_phrasings(texts: Sequence[str], labels: Sequence[str]) -> Dict[str, str]:
    """Training examples by ``phrasing_key``, leaving out keys with two labels."""
    seen: Dict[str, set] = {}
    for text, label in zip(texts, labels, strict=True):
        key = phrasing_key(text)
        if key:
            seen.setdefault(key, set()).add(str(label))
    return {key: next(iter(found)) for key, found in seen.items() if len(found) == 1}


def stems(text: str) -> str:
    """The message as word stems (first ``STEM_LETTERS`` letters of each word)."""
    return " ".join(word[:STEM_LETTERS] for word in _WORD.findall(normalise(text)))


def neighbour_text(text: str) -> str:
    """What the neighbour model reads: the stems, then the concepts named."""
    return f"{stems(text)} {concept_tokens(text)}".strip()


def concept_vectorizer() -> TfidfVectorizer:
    """Reads a message's concept tokens, one feature per concept."""
    return TfidfVectorizer(
        analyzer="word", token_pattern=WORD_PATTERN, binary=True, lowercase=False
    )


def linear_features(
    word: TfidfVectorizer,
    char: TfidfVectorizer,
    concept: TfidfVectorizer,
    texts: Sequence[str],
    fit: bool = False,
    semantic: Optional[np.ndarray] = None,
    semantic_weight: float = SEMANTIC_WEIGHT,
    block_weights: Tuple[float, float, float] = BLOCK_WEIGHTS,
) -> scipy.sparse.csr_matrix:
    """Words, character n-grams and concepts of each text, side by side (scikit-learn).

    Each block is multiplied by its ``block_weights``; each text's latent
    topic vector (``semantic``, from ``semantic_rows``) follows the three
    blocks when given, times ``semantic_weight``.
    """
    if fit:
        transforms = (word.fit_transform, char.fit_transform, concept.fit_transform)
    else:
        transforms = (word.transform, char.transform, concept.transform)
    blocks = side_by_side(*transforms, texts, block_weights)
    if semantic is None:
        return blocks
    return scipy.sparse.hstack([blocks, semantic_weight * semantic], format="csr")


def semantic_rows(stem_rows: scipy.sparse.spmatrix, basis: np.ndarray) -> np.ndarray:
    """Unit-length latent topic vectors of texts given as normalised stem rows."""
    return normalize(np.asarray(stem_rows @ basis, dtype=np.float64))


def fit_semantic_basis(
    example_stems: scipy.sparse.spmatrix, random_state: int = 0
) -> Optional[np.ndarray]:
    """The latent topic space of the training examples' stems (stems by dimensions).

    Solved exactly (ARPACK), not by scikit-learn's default randomized
    approximation: the approximate space moved with its random seed, and the
    model's answers with it. Measured on the 4,902 messages of every
    evaluation set (2026-12-06): another seed alone changed 43 predictions,
    as many as adding eight training lines did (40); solved exactly, another
    seed changes one, and the same eight lines change eleven, all near what
    they teach. A correction then changes what it is about, not answers
    elsewhere.

    ``None`` when there are too few distinct stems to project (tiny test sets).
    """
    dimensions = min(SEMANTIC_DIMENSIONS, example_stems.shape[1] - 1, example_stems.shape[0] - 1)
    if dimensions < 2:
        return None
    svd = TruncatedSVD(n_components=dimensions, algorithm="arpack", random_state=random_state)
    svd.fit(example_stems)
    return svd.components_.T.astype(np.float32)


def block_inputs(text: str) -> Tuple[str, str, str]:
    """What each feature block reads: the normalised text twice, then the concepts named.

    A message that names no concept says so: the vocabulary is never empty.
    """
    normalised = normalise(text)
    return normalised, normalised, concept_tokens(text) or NO_CONCEPT


def side_by_side(
    word: Transform,
    char: Transform,
    concept: Transform,
    texts: Sequence[str],
    block_weights: Tuple[float, float, float] = BLOCK_WEIGHTS,
) -> scipy.sparse.csr_matrix:
    """The three feature blocks of each text, from the given transforms, weighted, as one matrix."""
    inputs = list(zip(*(block_inputs(text) for text in texts), strict=True)) or [(), (), ()]
    blocks = [
        weight * transform(list(block_texts))
        for transform, block_texts, weight in zip(
            (word, char, concept), inputs, block_weights, strict=True
        )
    ]
    return scipy.sparse.hstack(blocks, format="csr")


@dataclass(frozen=True)
class Evidence:
    """What the two models say about one message.

    Attributes:
        ranking: ``(label, probability)`` from the linear model, best first.
        neighbour_label: The label whose closest examples are closest to the message.
        neighbour_similarity: The mean cosine similarity of those examples (0 to 1).
        known_phrasing: The message is word for word a training example.
        linear_label_similarity: The same closeness for the linear model's label.
    """

    ranking: Sequence[Tuple[str, float]]
    neighbour_label: str
    neighbour_similarity: float
    known_phrasing: bool = False
    linear_label_similarity: float = 0.0

    @property
    def label(self) -> str:
        """The linear model's best label."""
        return self.ranking[0][0]

    @property
    def confidence(self) -> float:
        """The linear model's probability for its best label."""
        return self.ranking[0][1]

    def agrees(self, min_confidence: float, min_similarity: float) -> bool:
        """Whether both models name the same label, confidently and from close examples."""
        return (
            self.neighbour_label == self.label
            and self.confidence >= min_confidence
            and self.neighbour_similarity >= min_similarity
        )

    def as_dict(self) -> Dict[str, object]:
        """A JSON-safe summary for the parse result (no message text)."""
        return {
            "linear_label": self.label,
            "linear_confidence": round(float(self.confidence), 4),
            "neighbour_label": self.neighbour_label,
            "neighbour_similarity": round(float(self.neighbour_similarity), 4),
            "known_phrasing": self.known_phrasing,
            "linear_label_similarity": round(float(self.linear_label_similarity), 4),
        }


@dataclass
class TopicModels:
    """The fitted linear and neighbour models (pickled into the Rasa model)."""

    word_vectorizer: TfidfVectorizer
    char_vectorizer: TfidfVectorizer
    concept_vectorizer: TfidfVectorizer
    linear: LogisticRegression
    stem_vectorizer: TfidfVectorizer
    example_stems: scipy.sparse.csr_matrix
    example_labels: np.ndarray
    labels: List[str] = field(default_factory=list)
    # Training examples by ``phrasing_key``: a message that is one of them
    # gets that example's label for certain (a tapped suggestion, a phrasing
    # staff corrected in the console and retrained on).
    phrasings: Dict[str, str] = field(default_factory=dict)
    # Mends misspelt topic words of English messages (``bot.nlu.spelling``).
    spelling: Optional[SpellingCorrector] = None
    # The latent topic space the linear model also reads (``fit_semantic_basis``).
    semantic_basis: Optional[np.ndarray] = None
    # The weights the linear model was fitted with (the word, character and
    # concept blocks; the latent vector): prediction reads the model's own,
    # whatever the module's constants say today.
    block_weights: Tuple[float, float, float] = BLOCK_WEIGHTS
    semantic_weight: float = SEMANTIC_WEIGHT

    @property
    def reading_semantic_weight(self) -> float:
        """The latent vector's weight for a message being classified (see ``SEMANTIC_DISCOUNT``)."""
        return self.semantic_weight * SEMANTIC_DISCOUNT

    def prepared(self) -> TopicModels:
        """The same models, arranged for fast prediction (the same results).

        The linear model's coefficients are stored column by column, so the
        sparse product reads them in place: row order made scipy copy the
        whole labels-by-features array on every message (4.6 ms of a parse;
        0.05 ms now). Each label's example rows and the transposed example
        matrix are computed once instead of per message, and the vectorizers
        and the linear model predict through :mod:`bot.nlu.fast_tfidf`,
        without scikit-learn's per-call checks. None of this is pickled
        (``__getstate__``): a loaded model prepares itself on first use.
        """
        self.linear.coef_ = np.asfortranarray(self.linear.coef_)
        label_index = {label: index for index, label in enumerate(self.labels)}
        self._example_label_index = np.asarray(
            [label_index.get(str(label), -1) for label in self.example_labels], dtype=np.intp
        )
        self._examples_per_label = np.bincount(
            self._example_label_index[self._example_label_index >= 0],
            minlength=len(self.labels),
        )
        self._stems_by_column = self.example_stems.T.tocsr()
        self._stem_rows: Dict[str, Tuple[np.ndarray, np.ndarray]] = {}
        self._word = PreparedTfidf(self.word_vectorizer)
        self._char = PreparedTfidf(self.char_vectorizer)
        self._concept = PreparedTfidf(self.concept_vectorizer)
        self._stem = PreparedTfidf(self.stem_vectorizer)
        self._coefficients_by_column = self.linear.coef_.T
        # predict_proba is a softmax of the scores only for a multinomial model
        # (lbfgs with more than two labels, as fit_topic_models trains it).
        self._multinomial = len(self.labels) > 2 and self.linear.multi_class in (
            "auto",
            "multinomial",
        )
        return self

    def __getstate__(self) -> Dict[str, object]:
        """The fitted models only; what ``prepared`` derives is rebuilt after loading."""
        return {key: value for key, value in self.__dict__.items() if not key.startswith("_")}

    def _ready(self) -> None:
        if getattr(self, "_stem", None) is None:
            self.prepared()

    def _linear_features(self, texts: Sequence[str]) -> scipy.sparse.csr_matrix:
        """What ``linear_features`` gives for ``texts``, through the prepared vectorizers."""
        self._ready()
        blocks = side_by_side(
            self._word.transform,
            self._char.transform,
            self._concept.transform,
            texts,
            self.block_weights,
        )
        if self.semantic_basis is None:
            return blocks
        stems = self._stem.transform([neighbour_text(text) for text in texts])
        semantic = semantic_rows(stems, self.semantic_basis)
        return scipy.sparse.hstack([blocks, self.reading_semantic_weight * semantic], format="csr")

    def _stem_row(self, text: str) -> Tuple[np.ndarray, np.ndarray]:
        """The text's stem row (columns, weights), computed once per text.

        A message's row is read twice, by the linear model's latent vector and
        by the neighbour model; only the last few texts are kept.
        """
        rows = self._stem_rows
        row = rows.get(text)
        if row is None:
            if len(rows) >= _STEM_ROWS_KEPT:
                rows.clear()
            row = rows[text] = self._stem.row(neighbour_text(text))
        columns, values = row
        # A copy: callers normalise the weights in place.
        return columns, values.copy()

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """The linear model's label probabilities, one row per text (columns: ``labels``)."""
        self._ready()
        if self._multinomial and len(texts) <= 2:
            # A message (and its question part): row by row, without scipy matrices.
            return np.vstack([self._message_probabilities(text) for text in texts])
        features = self._linear_features(texts)
        if not self._multinomial:
            return self.linear.predict_proba(features)
        return multinomial_probabilities(
            features, self._coefficients_by_column, self.linear.intercept_
        )

    def _message_probabilities(self, text: str) -> np.ndarray:
        """One text's probabilities: ``side_by_side``'s features, as columns and weights."""
        columns, values, offset = [], [], 0
        for prepared, block_text, weight in zip(
            (self._word, self._char, self._concept),
            block_inputs(text),
            self.block_weights,
            strict=True,
        ):
            block_columns, block_values = prepared.row(block_text)
            columns.append(block_columns + offset)
            values.append(weight * block_values)
            offset += prepared.width
        scores = np.concatenate(values) @ self._coefficients_by_column[np.concatenate(columns)]
        if self.semantic_basis is not None:
            stem_columns, stem_values = self._stem_row(text)
            point = normalised_row(stem_values, "l2") @ self.semantic_basis[stem_columns]
            length = float(np.linalg.norm(point))
            if length > 0.0:
                dimensions = self.semantic_basis.shape[1]
                semantic_coefficients = self._coefficients_by_column[offset : offset + dimensions]
                weight = self.reading_semantic_weight / length
                scores = scores + weight * (point @ semantic_coefficients)
        return softmax(scores + self.linear.intercept_)

    def neighbour_scores(self, text: str) -> Dict[str, float]:
        """Each label's closeness to the message (0 to 1).

        A label scores the mean similarity of its ``NEIGHBOURS_PER_LABEL``
        most similar training examples: one stray example of another label
        cannot win alone, and a label with many examples has no advantage.
        """
        self._ready()
        columns, values = self._stem_row(text)
        similarities = sparse_dot(
            columns, normalised_row(values, "l2"), self._stems_by_column, len(self.example_labels)
        )
        if not similarities.size or similarities.max() <= 0.0:
            return {}
        means = top_means(
            similarities, self._example_label_index, self._examples_per_label, NEIGHBOURS_PER_LABEL
        )
        return {
            label: float(means[index])
            for index, label in enumerate(self.labels)
            if self._examples_per_label[index]
        }

    def neighbours(self, text: str) -> Tuple[str, float]:
        """The label whose closest examples are closest to the message, and how close."""
        return best_neighbour(self.neighbour_scores(text))

    def evidence(
        self, text: str, focus: Optional[str] = None, mend_spelling: bool = False
    ) -> Evidence:
        """Both models' verdict on a message.

        Args:
            text: The whole message.
            focus: The question part of a long message (see
                ``bot.nlu.question_focus``); it gets half the weight.
            mend_spelling: An English message: misspelt topic words are
                read as the training words they stand for.
        """
        known = self.phrasings.get(phrasing_key(text))
        if known is not None:
            return known_evidence(known, self.labels)
        if mend_spelling and self.spelling is not None:
            text = self.spelling.correct(text)
            focus = self.spelling.correct(focus) if focus else focus
        if focus:
            both = self.probabilities([text, focus])
            probabilities = 0.5 * both[0] + 0.5 * both[1]
        else:
            probabilities = self.probabilities([text])[0]
        order = np.argsort(-probabilities)
        ranking = [(self.labels[index], float(probabilities[index])) for index in order]
        scores = self.neighbour_scores(focus or text)
        neighbour_label, similarity = best_neighbour(scores)
        return Evidence(
            ranking,
            neighbour_label,
            similarity,
            linear_label_similarity=scores.get(ranking[0][0], 0.0),
        )


def top_means(
    similarities: np.ndarray, label_of_example: np.ndarray, examples_per_label: np.ndarray, top: int
) -> np.ndarray:
    """Each label's mean similarity over its ``top`` most similar examples.

    A label with fewer examples averages over all of them; examples not
    similar at all count as 0. The same figures as sorting each label's
    similarities and averaging the last ``top`` (added smallest first), in a
    few array operations over the similar examples only, instead of a sort
    per label: each numpy call on the event loop may also wait for the GIL.

    Args:
        similarities: One similarity per training example (0 or more).
        label_of_example: Each example's label index (-1: none).
        examples_per_label: How many examples each label has.
        top: How many of the closest examples count.
    """
    similar = np.flatnonzero((similarities > 0.0) & (label_of_example >= 0))
    labels = label_of_example[similar]
    values = similarities[similar]
    # By label, then by similarity, smallest first: each label's top are its last ``top``.
    order = np.lexsort((values, labels))
    labels, values = labels[order], values[order]
    sums = np.zeros(len(examples_per_label))
    if len(labels):
        last_of_label = np.flatnonzero(np.r_[labels[1:] != labels[:-1], True])
        group_end = np.repeat(last_of_label, np.diff(np.r_[-1, last_of_label]))
        from_end = group_end - np.arange(len(labels))
        for rank in range(top - 1, -1, -1):
            # One value of each rank per label at most: plain indexing adds them all.
            chosen = from_end == rank
            sums[labels[chosen]] += values[chosen]
    counts = np.minimum(examples_per_label, top)
    return np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)


def best_neighbour(scores: Dict[str, float]) -> Tuple[str, float]:
    """The closest label and its score; ``("", 0.0)`` when nothing is close at all."""
    best_label, best_score = "", 0.0
    for label, score in scores.items():
        if score > best_score:
            best_label, best_score = label, score
    return best_label, best_score


def known_evidence(label: str, labels: Sequence[str]) -> Evidence:
    """The evidence for a message that is a training example of ``label``."""
    others = [(other, 0.0) for other in labels if other != label]
    return Evidence(
        [(label, 1.0), *others], label, 1.0, known_phrasing=True, linear_label_similarity=1.0
    )


def fit_topic_models(texts: Sequence[str], labels: Sequence[str]) -> TopicModels:
    """Fit both models on the training examples.

    Args:
        texts: Training messages.
        labels: Each message's label: its intent, or its FAQ key for
            retrieval intents (``faq/dfo_recovery``).
    """
    if len(texts) != len(labels) or not texts:
        raise ValueError("fit_topic_models needs as many labels as texts, and at least one")
    word_vectorizer = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), token_pattern=WORD_PATTERN, sublinear_tf=True
    )
    char_vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        min_df=2,
        max_features=MAX_CHAR_FEATURES,
    )
    concepts = concept_vectorizer()
    stem_vectorizer = TfidfVectorizer(
        analyzer="word", token_pattern=WORD_PATTERN, sublinear_tf=True, lowercase=False
    )
    example_stems = normalize(
        stem_vectorizer.fit_transform([neighbour_text(text) for text in texts])
    ).tocsr()
    basis = fit_semantic_basis(example_stems)
    features = linear_features(
        word_vectorizer,
        char_vectorizer,
        concepts,
        texts,
        fit=True,
        semantic=None if basis is None else semantic_rows(example_stems, basis),
        semantic_weight=SEMANTIC_WEIGHT,
        block_weights=BLOCK_WEIGHTS,
    )
    # Logistic regression solved to convergence (L-BFGS): the same data gives
    # the same model, whatever order it was read in. C=20 regularises lightly,
    # as the features are many and the examples few per answer.
    linear = LogisticRegression(C=LINEAR_C, max_iter=LINEAR_MAX_ITERATIONS)
    linear.fit(features, list(labels))
    return TopicModels(
        word_vectorizer=word_vectorizer,
        char_vectorizer=char_vectorizer,
        concept_vectorizer=concepts,
        linear=linear,
        stem_vectorizer=stem_vectorizer,
        example_stems=example_stems,
        example_labels=np.asarray(labels),
        labels=[str(label) for label in linear.classes_],
        phrasings=known_phrasings(texts, labels),
        spelling=fit_spelling(texts),
        semantic_basis=basis,
        block_weights=BLOCK_WEIGHTS,
        semantic_weight=SEMANTIC_WEIGHT,
    ).prepared()
