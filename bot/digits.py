"""Bangla digits: the one home of the digit table and its conversion.

A leaf module (standard library only), imported by ``bot.privacy`` (masking
numbers), ``bot.nlu`` (tokens, red flags, contact details) and the channels
(a patient typing "২" to pick a numbered choice), so that none of them has
to import another for it.
"""

from __future__ import annotations

BANGLA_DIGITS = "০১২৩৪৫৬৭৮৯"
# The Bangla digits as a regex character class (U+09E6..U+09EF).
BANGLA_DIGIT_CLASS = "\u09e6-\u09ef"

_BANGLA_TO_ASCII = str.maketrans(BANGLA_DIGITS, "0123456789")


def to_ascii_digits(text: str) -> str:
    """Convert Bangla digits to ASCII digits.

    Args:
        text: Any text.

    Returns:
        The text with ০-৯ (U+09E6..U+09EF) replaced by 0-9; every other
        character is left as it is.
    """
    return text.translate(_BANGLA_TO_ASCII)
