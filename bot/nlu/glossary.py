"""Definition questions: "what is a VRO?" gets the answer that defines the term.

The terms, and the answer that defines each, live in ``glossary.yml`` beside
this module, written for a clinician to read and extend; this module only
loads and matches them. A message is a definition question when it has a
question word ("what", "ki", "কী") and, once the question and filler words
are set aside, exactly one listed term is left. Plain functions: tests call
them without Rasa.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Optional, Sequence, Tuple

import yaml

from bot.nlu.concepts import Phrase, listed_phrases, listed_words, words

GLOSSARY_FILE = Path(__file__).with_name("glossary.yml")
# A definition question is short; a longer message asks something more.
MAX_WORDS = 10
# Words this long or longer also match with an ending of up to this many
# letters ("knees", "হাঁটুর"); shorter words match whole words only.
ENDING_FROM_LENGTH = 4
MAX_ENDING = 2


@dataclass(frozen=True)
class Glossary:
    """The terms by the answer that defines them, and the words around them."""

    terms: Dict[str, Tuple[Phrase, ...]]
    question_words: FrozenSet[str]
    filler_words: FrozenSet[str]


def _word_set(document: dict, name: str, path: Path) -> FrozenSet[str]:
    listed = document.get(name)
    if not isinstance(listed, list):
        raise ValueError(f"{path}: expected a list under {name!r}")
    return listed_words(listed)


@functools.cache
def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    """The glossary in ``path`` (loaded once)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    terms = document.get("terms")
    if not isinstance(terms, dict):
        raise ValueError(f"{path}: expected a mapping under 'terms'")
    phrases = {str(key): listed_phrases(listed or []) for key, listed in terms.items()}
    return Glossary(
        terms=phrases,
        question_words=_word_set(document, "question_words", path),
        filler_words=_word_set(document, "filler_words", path),
    )


def term_word_matches(term_word: str, word: str) -> bool:
    """A term's word matches the same word, or with a short ending when it is long."""
    if word == term_word:
        return True
    return (
        len(term_word) >= ENDING_FROM_LENGTH
        and word.startswith(term_word)
        and len(word) - len(term_word) <= MAX_ENDING
    )


def is_the_term(term: Phrase, message_words: Sequence[str]) -> bool:
    """Whether ``message_words`` are exactly the words of ``term``."""
    return len(term) == len(message_words) and all(
        term_word_matches(part, word) for part, word in zip(term, message_words, strict=True)
    )


def defined_term_answer(text: str, glossary: Optional[Glossary] = None) -> Optional[str]:
    """The FAQ key that defines the one term ``text`` asks about, if it only asks that.

    Args:
        text: The patient's message.
        glossary: The terms to look for (default: ``glossary.yml``).

    Returns:
        ``faq/...``, or ``None`` when the message is not a definition question
        of one listed term.
    """
    glossary = glossary or load_glossary()
    message_words = words((text or "").lower())
    if not message_words or len(message_words) > MAX_WORDS:
        return None
    if not glossary.question_words & set(message_words):
        return None
    rest = [
        word
        for word in message_words
        if word not in glossary.question_words and word not in glossary.filler_words
    ]
    answers = {
        key
        for key, terms in glossary.terms.items()
        if any(is_the_term(term, rest) for term in terms)
    }
    return answers.pop() if len(answers) == 1 else None
