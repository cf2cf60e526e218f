"""Mend misspelt English topic words before the topic models read a message.

Patients type "osteotmy", "evalution" or "recovary". The linear model's
character n-grams bear a typo, but the neighbour model reads word stems, and
a misspelt word's stem matches no training example: the two models then
disagree and the assistant asks instead of answering. Here a word that is in
no training example is replaced by the training word one edit away (two for
long words), when:

* the word is at least ``MIN_LENGTH`` letters long: short words are often
  another real word one letter away;
* it is not an English word (spaCy's word-probability table from
  ``spacy-lookups-data``): "naturally" is never made "laterally";
* the replacement starts with the same letter: typos rarely change the first.

A hyphenated word the examples write as one ("re-alignment") is joined
first (``SpellingCorrector.join_hyphenated``).

Only English messages are mended (``TopicModels.evidence`` is told so): the
endings of Bangla and romanized Bangla words carry meaning ("korlen",
"korben"), and one edit changes it. Red flags, out-of-domain terms and the
question focus read the message as typed.

Plain functions and a picklable dataclass: tests call them without Rasa.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Dict, FrozenSet, Iterable, Optional, Sequence, Set, Tuple

# Shorter words are left alone.
MIN_LENGTH = 6
# From this length a word may be two edits from its training word.
TWO_EDITS_FROM = 9
# Words at least this frequent in spaCy's English table are real words. Web
# misspellings are in the table too, but rarer: "evalution" -19.2, "cerebal"
# -18.6; real words in patients' questions: "incisions" -15.9, "realigned" -16.6.
KNOWN_WORD_LOG_PROB = -17.0
# Corrections remembered per model (a bounded cache: patients' typos repeat).
CACHE_SIZE = 10_000
_WORD = re.compile(r"[a-z]+")
# Two words joined by a hyphen: "re-alignment", "osteo-tomy".
_HYPHENATED = re.compile(r"\b([a-z]+)-([a-z]+)\b")


@lru_cache(maxsize=1)
def english_words() -> FrozenSet[str]:
    """Lower-case English words long enough to be mended, from spaCy's probability table."""
    table = resources.files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz"
    with table.open("rb") as packed, gzip.open(packed, "rt", encoding="utf-8") as text:
        probabilities: Dict[str, float] = json.load(text)
    return frozenset(
        word
        for word, probability in probabilities.items()
        if len(word) >= MIN_LENGTH
        and probability >= KNOWN_WORD_LOG_PROB
        and word.isascii()
        and word.isalpha()
        and word.islower()
    )


def edits_allowed(word: str) -> int:
    """How many edits a word may be from its correction."""
    return 2 if len(word) >= TWO_EDITS_FROM else 1


def deletions(word: str, edits: int) -> Set[str]:
    """The word with up to ``edits`` letters deleted (the word itself included)."""
    found = {word}
    frontier = {word}
    for _ in range(edits):
        frontier = {
            variant[:i] + variant[i + 1 :] for variant in frontier for i in range(len(variant))
        }
        found |= frontier
    return found


def edit_distance(first: str, second: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbouring letters between two words."""
    rows = [list(range(len(second) + 1))]
    for i in range(1, len(first) + 1):
        row = [i] + [0] * len(second)
        for j in range(1, len(second) + 1):
            cost = 0 if first[i - 1] == second[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and first[i - 1] == second[j - 2] and first[i - 2] == second[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


@dataclass
class SpellingCorrector:
    """The training words and an index of them by deleted letters (SymSpell)."""

    counts: Dict[str, int] = field(repr=False)
    by_deletion: Dict[str, Tuple[str, ...]] = field(repr=False)
    english: FrozenSet[str] = field(repr=False)
    _cache: Dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def correct_word(self, word: str) -> str:
        """The training word a misspelt word stands for, or the word itself."""
        if word in self.counts or len(word) < MIN_LENGTH or word in self.english:
            return word
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        best: Optional[Tuple[int, int, str]] = None
        edits = edits_allowed(word)
        candidates = {
            candidate
            for variant in deletions(word, edits)
            for candidate in self.by_deletion.get(variant, ())
            if candidate[0] == word[0]
        }
        for candidate in candidates:
            distance = edit_distance(word, candidate)
            if distance <= min(edits, edits_allowed(candidate)):
                ranked = (distance, -self.counts[candidate], candidate)
                best = ranked if best is None or ranked < best else best
        corrected = best[2] if best else word
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[word] = corrected
        return corrected

    def join_hyphenated(self, text: str) -> str:
        """Hyphenated words the training examples write as one: "re-alignment" -> "realignment".

        Only when the joined word is commoner in the examples than the part
        before the hyphen ("re" comes only from "we're"): "x-ray" stays, as the
        examples have "x" more often than "xray".
        """

        def join(match: re.Match[str]) -> str:
            first, second = match.group(1), match.group(2)
            if self.counts.get(first + second, 0) > self.counts.get(first, 0):
                return first + second
            return match.group(0)

        return _HYPHENATED.sub(join, text)

    def correct(self, text: str) -> str:
        """The text, lower-cased, with each misspelt word replaced by its training word."""
        joined = self.join_hyphenated(text.lower())
        return _WORD.sub(lambda match: self.correct_word(match.group(0)), joined)

    def __getstate__(self) -> Dict[str, object]:
        """The words only; the cache starts empty after loading."""
        return {key: value for key, value in self.__dict__.items() if key != "_cache"}

    def __setstate__(self, state: Dict[str, object]) -> None:
        """Restores the words with an empty cache."""
        self.__dict__.update(state)
        self._cache = {}


def training_words(texts: Iterable[str]) -> Counter[str]:
    """How often each lower-case Latin word occurs in the training texts."""
    return Counter(word for text in texts for word in _WORD.findall(text.lower()))


def fit_spelling(
    texts: Sequence[str], english: Optional[FrozenSet[str]] = None
) -> SpellingCorrector:
    """A corrector towards the words of the training texts.

    Args:
        texts: The training examples.
        english: Real English words never to correct (default: spaCy's table).
    """
    counts = training_words(texts)
    index: Dict[str, Set[str]] = {}
    for word in counts:
        if len(word) >= MIN_LENGTH:
            for variant in deletions(word, edits_allowed(word)):
                index.setdefault(variant, set()).add(word)
    return SpellingCorrector(
        counts=dict(counts),
        by_deletion={variant: tuple(sorted(words)) for variant, words in index.items()},
        english=english_words() if english is None else english,
    )
