"""Plain functions that make raw chat text safe and uniform for the NLU pipeline.

Patients paste text from other apps, type on phone keyboards that insert
zero-width characters, send only emoji, or paste whole reports. These
functions turn any of that into clean text plus a verdict the dialogue can
act on, without raising.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from bot.nlu.bangla import ZWJ, ZWNJ, canonical_bangla
from bot.nlu.question_focus import reading_window

OK = "ok"
EMPTY = "empty"
NO_WORDS = "no_words"
TOO_LONG = "too_long"
# Longer than the classifier reads, short enough to read its questions.
READ_IN_PART = "read_in_part"

# Zero-width space, word joiner, BOM and soft hyphen: invisible, but they split
# words and break n-gram features. ZWJ/ZWNJ are kept out of this set on purpose
# because Bangla script uses them inside words (র‍্য, ক্‌ষ).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"), None)
_JOINERS = ZWJ + ZWNJ
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CleanText:
    """The cleaned text and what was wrong with the original, if anything."""

    text: str
    status: str
    original_length: int


def strip_control_characters(text: str) -> str:
    """Replace control characters by spaces and drop invisible format characters.

    Control characters (tabs, escapes, NUL) separate words, so they become
    spaces. Format characters (category Cf: direction marks, zero-width
    spaces, invisible operators) are invisible inside a word, so they are
    removed; ZWJ and ZWNJ are kept because Bangla conjuncts need them.
    """
    cleaned = []
    for char in text.translate(_INVISIBLE):
        category = unicodedata.category(char)
        if category == "Cc":
            cleaned.append(" ")
        elif category != "Cf" or char in _JOINERS:
            cleaned.append(char)
    return "".join(cleaned)


def has_words(text: str) -> bool:
    """Whether the text contains at least one letter or digit in any script."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def clean_text(raw: str, max_chars: int) -> CleanText:
    """Normalise a chat message and classify it.

    Unicode is brought to NFC and Bangla to one canonical spelling (so the same
    Bangla word typed on two keyboards looks the same to the model: য় ড় ঢ়
    always as consonant + nukta, see ``bot.nlu.bangla.canonical_bangla``),
    control characters and invisible characters are removed, and runs of
    whitespace collapse to one space. Bangla digits are kept as typed.

    Args:
        raw: The message as received; anything, including ``None``-like empties.
        max_chars: Longest message the assistant reads; longer ones are cut to
            this length and marked ``too_long``.

    Returns:
        The cleaned (and possibly cut) text with a status of ``ok``, ``empty``
        (nothing left), ``no_words`` (only emoji or punctuation) or ``too_long``.
    """
    raw = raw or ""
    # Invisible characters go first, so that they cannot sit between a letter
    # and the mark NFC would compose with it.
    text = canonical_bangla(unicodedata.normalize("NFC", strip_control_characters(raw)))
    text = _WHITESPACE.sub(" ", text).strip()
    if not text:
        return CleanText("", EMPTY, len(raw))
    if not has_words(text):
        return CleanText(text, NO_WORDS, len(raw))
    return shorten(CleanText(text, OK, len(raw)), max_chars)


def shorten(cleaned: CleanText, max_chars: int, max_read_chars: Optional[int] = None) -> CleanText:
    """Bring already-cleaned text within ``max_chars``.

    Up to ``max_read_chars``, a longer message is read in part: its question
    sentences and its end (``reading_window``), marked ``read_in_part``.
    Beyond that (or with no ``max_read_chars``) it is cut and marked
    ``too_long``.
    """
    if cleaned.status in (EMPTY, NO_WORDS) or len(cleaned.text) <= max_chars:
        return cleaned
    if max_read_chars is not None and len(cleaned.text) <= max_read_chars:
        window = reading_window(cleaned.text, max_chars)
        return CleanText(window, READ_IN_PART, cleaned.original_length)
    return CleanText(cleaned.text[:max_chars].rstrip(), TOO_LONG, cleaned.original_length)
