"""Bangla script helpers shared by text cleaning, tokenization and the red-flag rules.

Plain functions and constants, no model: which characters are Bangla, one
canonical spelling for characters Unicode encodes two ways, and a light
suffix stripper that finds the stem of an inflected word ("সেলাইয়ের" ->
"সেলাই", "জ্বরের" -> "জ্বর") for exact look-ups in curated word lists.
"""

from __future__ import annotations

import unicodedata
from typing import FrozenSet, Iterable, Set

# The Bengali-Assamese block.
BANGLA_FIRST, BANGLA_LAST = "\u0980", "\u09ff"
DANDA = "\u0964"  # । (shared with Devanagari)
DOUBLE_DANDA = "\u0965"  # ॥
ZWNJ = "\u200c"
ZWJ = "\u200d"
NUKTA = "\u09bc"

# Regex character classes.
BANGLA_CLASS = "\u0980-\u09ff"
# Letters, vowel signs and other marks, without the digits.
BANGLA_LETTER_CLASS = "\u0980-\u09e5\u09f0-\u09ff"

# য়, ড়, ঢ় have a one-code-point form (U+09DF, U+09DC, U+09DD) and a
# two-code-point form (য/ড/ঢ + nukta). The one-code-point forms are Unicode
# composition exclusions: NFC and NFD both turn them into the two-code-point
# sequence and never back. Keyboards produce either. The canonical form here
# is therefore the decomposed sequence, the one NFC already gives; mapping
# explicitly keeps that true whatever normalisation ran before.
_NUKTA_DECOMPOSITION = str.maketrans(
    {
        "\u09dc": "\u09a1\u09bc",  # ড়
        "\u09dd": "\u09a2\u09bc",  # ঢ়
        "\u09df": "\u09af\u09bc",  # য়
    }
)
# Sequences old keyboards and converters produce for one character.
_LEGACY_SEQUENCES = (
    # Khanda ta before Unicode 4.1: ত + hasant + ZWJ; now U+09CE ৎ.
    ("\u09a4\u09cd\u200d", "\u09ce"),
    # অ + া typed for আ (no canonical equivalence, so NFC keeps it).
    ("\u0985\u09be", "\u0986"),
)


def is_bangla(char: str) -> bool:
    """Whether a character is in the Bangla block (letters, signs, digits, ৳...)."""
    return BANGLA_FIRST <= char <= BANGLA_LAST


def has_bangla(text: str) -> bool:
    """Whether any character of ``text`` is Bangla script."""
    return any(is_bangla(char) for char in text)


def is_bangla_letter(char: str) -> bool:
    """A Bangla letter or vowel sign/mark (not a digit, currency sign or danda)."""
    return is_bangla(char) and unicodedata.category(char)[0] in "LM"


def canonical_bangla(text: str) -> str:
    """Give every Bangla character one encoding (apply after NFC).

    * য় ড় ঢ় -> consonant + nukta (U+09BC), as NFC does;
    * ত + hasant + ZWJ (old khanda ta) -> ৎ;
    * অ + া -> আ.

    Idempotent, and the identity on text without Bangla characters.
    """
    if not has_bangla(text):
        return text
    text = text.translate(_NUKTA_DECOMPOSITION)
    for old, new in _LEGACY_SEQUENCES:
        text = text.replace(old, new)
    return text


def normalise_word(word: str) -> str:
    """A word's form for dictionary look-up: NFC, canonical Bangla, lower case.

    ZWJ/ZWNJ are dropped here only (not from the message): they change how a
    conjunct is drawn, not which word it is ("র‍্যাব" and "র্যাব").
    """
    word = canonical_bangla(unicodedata.normalize("NFC", word)).lower()
    return word.replace(ZWJ, "").replace(ZWNJ, "")


def canonical_words(words: Iterable[str]) -> FrozenSet[str]:
    """``normalise_word`` applied to each word of a word list."""
    return frozenset(normalise_word(word) for word in words)


# Inflectional endings of nouns (case, classifier, plural), longest first.
# Verb endings are not stripped: verb forms are listed where they matter.
_NOUN_SUFFIXES = tuple(
    sorted(
        canonical_words(
            [
                "গুলোতে",
                "গুলোর",
                "গুলো",
                "গুলি",
                "গুলা",
                "টাতে",
                "টিতে",
                "টার",
                "টির",
                "টায়",
                "টা",
                "টি",
                "খানা",
                "দের",
                "য়ের",
                "য়ে",
                "য়",
                "ের",
                "তে",
                "কে",
                "র",
                "ে",
                # The particle "also, too", written onto the word: "ব্যথাও".
                "ও",
            ]
        ),
        key=len,
        reverse=True,
    )
)
# Stems shorter than this (in code points) are not produced: "পা" (leg) must
# come from an explicit list, or "পাতে"/"পায়" would also become "পা".
_MIN_STEM = 3


def bangla_stems(word: str) -> Set[str]:
    """Possible stems of a Bangla word (without the word itself).

    Every listed noun ending that the word ends with is removed once, and
    again from the result ("সেলাইয়ের" -> "সেলাই", "জায়গাটাতে" -> "জায়গা").
    Over-generation is harmless: stems are only looked up in word lists.
    """
    stems: Set[str] = set()
    frontier = {word}
    for _ in range(2):
        found = set()
        for form in frontier:
            for suffix in _NOUN_SUFFIXES:
                if form.endswith(suffix) and len(form) - len(suffix) >= _MIN_STEM:
                    found.add(form[: -len(suffix)])
        stems |= found
        frontier = found
    return stems
