"""Kinds of question the sources never answer, whatever the topic.

The list lives in ``unanswered_kinds.yml`` beside this module, written for a
clinician to read and extend; this module only loads and matches it. Phrases
match as concept phrases do (``bot.nlu.concepts``): the start of a word,
whole words for short ones, words in order.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, Optional, Sequence, Tuple

import yaml

from bot.nlu.concepts import Phrase, first_word_index, listed_phrases, mentions_any, words

KINDS_FILE = Path(__file__).with_name("unanswered_kinds.yml")


@dataclass(frozen=True)
class QuestionKind:
    """One kind of question: the phrases that ask it and the FAQ keys that answer it."""

    name: str
    phrases: Tuple[Phrase, ...]
    answered_by: FrozenSet[str]
    # A kind that names an intent goes there whatever topic the models read
    # (``request_human`` for what only staff can say, ``beyond_sources`` for
    # what no answer says); the others get ``beyond_sources`` only when the
    # chosen answer does not address them.
    intent: Optional[str] = None
    # An answer that says something close, offered as a button beside "the
    # page does not say" (``bot.related_answer``), never sent as the answer.
    related: Optional[str] = None
    # When listed, only these answers leave the kind unanswered ("both knees
    # at once" only against the combined-procedures answer); every other
    # answer is left to the models.
    asked_of: FrozenSet[str] = frozenset()
    # A message with one of these phrases does not ask the kind ("why does
    # my child need this surgery?" is not asking whether to have it).
    not_with: Tuple[Phrase, ...] = ()
    # The phrases by their first word (built from ``phrases``; every message is checked).
    _index: Dict[str, Tuple[Phrase, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # The ``not_with`` phrases by their first word (built once, like ``_index``).
    _not_with_index: Dict[str, Tuple[Phrase, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        """Indexes the phrases by their first word."""
        object.__setattr__(self, "_index", first_word_index(self.phrases))
        object.__setattr__(self, "_not_with_index", first_word_index(self.not_with))

    def asked_in(self, message_words: Sequence[str]) -> bool:
        """Whether the message asks this kind: one of its phrases, none of ``not_with``."""
        if not mentions_any(self._index, message_words):
            return False
        return not mentions_any(self._not_with_index, message_words)

    def unanswered_by(self, faq_key: str) -> bool:
        """Whether the answer ``faq_key`` leaves this kind of question unanswered."""
        if faq_key in self.answered_by:
            return False
        return not self.asked_of or faq_key in self.asked_of


@functools.cache
def question_kinds(path: Path = KINDS_FILE) -> Tuple[QuestionKind, ...]:
    """The kinds listed in ``path``, in the file's order (loaded once)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    kinds = document.get("kinds")
    if not isinstance(kinds, dict):
        raise ValueError(f"{path}: expected a mapping under 'kinds'")
    loaded = []
    for name, kind in kinds.items():
        loaded.append(
            QuestionKind(
                name=str(name),
                phrases=listed_phrases(kind.get("phrases") or []),
                answered_by=frozenset(str(key) for key in kind.get("answered_by") or []),
                intent=str(kind["intent"]) if kind.get("intent") else None,
                related=str(kind["related"]) if kind.get("related") else None,
                asked_of=frozenset(str(key) for key in kind.get("asked_of") or []),
                not_with=listed_phrases(kind.get("not_with") or []),
            )
        )
    return tuple(loaded)


def unanswered_kind(
    text: str, faq_key: str, kinds: Optional[Tuple[QuestionKind, ...]] = None
) -> Optional[str]:
    """The kind of question ``text`` asks that the answer ``faq_key`` does not address.

    Args:
        text: The patient's message (or its question sentences).
        faq_key: The FAQ answer the topic models chose, e.g. ``faq/vro_derotation``.
        kinds: The kinds to check (default: ``unanswered_kinds.yml``).

    Returns:
        The kind's name ("cause", "natural_course"), or ``None`` when the
        message asks none of them or the answer addresses the kind it asks.
    """
    message_words = words((text or "").lower())
    for kind in question_kinds() if kinds is None else kinds:
        if not kind.intent and kind.unanswered_by(faq_key) and kind.asked_in(message_words):
            return kind.name
    return None


def related_key(
    name: Optional[str], kinds: Optional[Tuple[QuestionKind, ...]] = None
) -> Optional[str]:
    """The FAQ key listed as ``related`` for the kind called ``name``, if any."""
    for kind in question_kinds() if kinds is None else kinds:
        if kind.name == name:
            return kind.related
    return None


def routed_kind(
    text: str, kinds: Optional[Tuple[QuestionKind, ...]] = None
) -> Optional[QuestionKind]:
    """The kind of question with its own intent that ``text`` asks ("cost"), if any.

    Args:
        text: The patient's message (or its question sentences).
        kinds: The kinds to check (default: ``unanswered_kinds.yml``).
    """
    message_words = words((text or "").lower())
    for kind in question_kinds() if kinds is None else kinds:
        if kind.intent and kind.asked_in(message_words):
            return kind
    return None
