"""Word features keep Bangla words whole, and English words as Rasa splits them."""

import re

from sklearn.feature_extraction.text import CountVectorizer

from bot.nlu.bangla_count_vectors import BANGLA_AWARE_WORD_PATTERN

RASA_PATTERN = r"(?u)\b\w+\b"


def words(pattern: str, text: str) -> list:
    return CountVectorizer(token_pattern=pattern, lowercase=True).build_analyzer()(text)


def test_bangla_words_stay_whole() -> None:
    text = "আমার ছেলের হিপে অপারেশন হবে"
    assert words(BANGLA_AWARE_WORD_PATTERN, text) == text.split()
    # What Rasa's own pattern makes of it: fragments.
    assert "আম" in words(RASA_PATTERN, text)


def test_english_and_romanized_text_split_exactly_as_before() -> None:
    for text in ("what's a VRO? 8-12 weeks", "hatur operation er por koto din", "x_y z"):
        assert words(BANGLA_AWARE_WORD_PATTERN, text) == words(RASA_PATTERN, text)
    assert re.fullmatch(BANGLA_AWARE_WORD_PATTERN, "র\u200d্যাব")
