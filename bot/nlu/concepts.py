"""Concept tokens: one shared feature for the many ways patients name an idea.

``concepts.yml`` beside this module lists, for each concept, the phrases
that name it in English, Bangla script and romanized Bangla. The topic
models read the concept tokens a message mentions next to its words, so an
example written with "knock knees" also teaches "genu valgum" and
"হাঁটু লেগে যায়". Plain functions; the file is read once.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, Iterator, List, Mapping, Sequence, Tuple, TypeVar

import yaml

from bot.nlu.bangla import normalise_word

CONCEPTS_FILE = Path(__file__).with_name("concepts.yml")
# A concept's token: no real word looks like it, in any of the three scripts.
CONCEPT_PREFIX = "concept_"
# Phrase words this short match whole words only ("cp" is not "cpr").
WHOLE_WORD_LENGTH = 3
_WORD = re.compile(r"[\w\u0980-\u09FF]+", re.UNICODE)

Phrase = Tuple[str, ...]
# What a first-word index files under a phrase's first word (``phrase_starts``).
Entry = TypeVar("Entry")


def words(text: str) -> List[str]:
    """The message's words, normalised as the word lists are."""
    return [normalise_word(word) for word in _WORD.findall(text or "")]


def listed_words(entries: Iterable[object]) -> FrozenSet[str]:
    """Every word of a word list's entries, lower case and normalised as messages are."""
    return frozenset(word for entry in entries for word in words(str(entry).lower()))


def listed_phrases(entries: Iterable[object]) -> Tuple[Phrase, ...]:
    """A phrase list's entries as phrases of lower-case, normalised words.

    Each phrase once, in sorted order; an entry with no words is left out.
    """
    return tuple(sorted({tuple(words(str(entry).lower())) for entry in entries} - {()}))


@functools.cache
def concept_phrases(path: Path = CONCEPTS_FILE) -> Dict[str, Tuple[Phrase, ...]]:
    """Each concept's phrases, as tuples of normalised words (loaded once)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    concepts = document.get("concepts")
    if not isinstance(concepts, dict):
        raise ValueError(f"{path}: expected a mapping under 'concepts'")
    phrases: Dict[str, Tuple[Phrase, ...]] = {}
    for name, listed in concepts.items():
        if not re.fullmatch(r"[a-z_]+", str(name)):
            raise ValueError(f"{path}: concept names are lower-case letters and _: {name!r}")
        found = {tuple(words(str(phrase))) for phrase in listed or []}
        phrases[str(name)] = tuple(sorted(phrase for phrase in found if phrase))
    return phrases


def word_matches(phrase_word: str, word: str) -> bool:
    """A phrase word matches a word's start, or the whole word when it is short."""
    if len(phrase_word) <= WHOLE_WORD_LENGTH:
        return word == phrase_word
    return word.startswith(phrase_word)


def matches_at(phrase: Phrase, message_words: Sequence[str], start: int) -> bool:
    """Whether the words of ``phrase`` appear from ``message_words[start]`` on."""
    if start + len(phrase) > len(message_words):
        return False
    return all(word_matches(part, message_words[start + i]) for i, part in enumerate(phrase))


def mentions(phrase: Phrase, message_words: Sequence[str]) -> bool:
    """Whether the words of ``phrase`` appear in order, next to each other."""
    return any(matches_at(phrase, message_words, start) for start in range(len(message_words)))


def first_word_index(phrases: Iterable[Phrase]) -> Dict[str, Tuple[Phrase, ...]]:
    """Phrases found by their first word, for ``mentions_any``."""
    index: Dict[str, List[Phrase]] = {}
    for phrase in phrases:
        index.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(found) for first, found in index.items()}


def phrase_starts(
    index: Mapping[str, Sequence[Entry]], message_words: Sequence[str]
) -> Iterator[Tuple[int, Entry]]:
    """Each entry of ``index`` that may start at each word, with that word's position.

    ``index`` files entries under their phrase's first word. A phrase word
    matches the start of a message word, so a phrase can only start at a word
    that begins with its first word: each word looks up its own beginnings,
    instead of every phrase being tried at every word.
    """
    for start, word in enumerate(message_words):
        for end in range(1, len(word) + 1):
            for entry in index.get(word[:end], ()):
                yield start, entry


def mentions_any(index: Dict[str, Tuple[Phrase, ...]], message_words: Sequence[str]) -> bool:
    """Whether any phrase of ``index`` (``first_word_index``) appears in the words.

    The same as ``mentions`` tried with every phrase (``phrase_starts``): with
    a few hundred phrases, trying each at each word was half of a message's parse.
    """
    return any(
        matches_at(phrase, message_words, start)
        for start, phrase in phrase_starts(index, message_words)
    )


@functools.cache
def phrases_by_first_word(path: Path = CONCEPTS_FILE) -> Dict[str, Tuple[Tuple[str, Phrase], ...]]:
    """Every ``(concept, phrase)``, found by the phrase's first word (built once)."""
    index: Dict[str, List[Tuple[str, Phrase]]] = {}
    for name, phrases in concept_phrases(path).items():
        for phrase in phrases:
            index.setdefault(phrase[0], []).append((name, phrase))
    return {first: tuple(entries) for first, entries in index.items()}


def concepts_in(text: str, path: Path = CONCEPTS_FILE) -> List[str]:
    """The concepts a message names, in the file's order (runs on every message)."""
    message_words = words(text.lower())
    found = set()
    for start, (name, phrase) in phrase_starts(phrases_by_first_word(path), message_words):
        if name not in found and matches_at(phrase, message_words, start):
            found.add(name)
    return [name for name in concept_phrases(path) if name in found]


def concept_tokens(text: str) -> str:
    """The message's concepts as tokens (``concept_knock_knee ...``), or ``""``."""
    return " ".join(CONCEPT_PREFIX + name for name in concepts_in(text))
