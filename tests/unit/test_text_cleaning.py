"""The input guard's text cleaning, on the bad input patients really send."""

import pytest

from bot.nlu.text_cleaning import EMPTY, NO_WORDS, OK, TOO_LONG, clean_text


@pytest.mark.parametrize("raw", ["", "   ", "\n\t\r", "\x00\x01\x1b", "\u200b\u200b"])
def test_nothing_readable_is_empty(raw: str) -> None:
    result = clean_text(raw, max_chars=100)
    assert result.status == EMPTY
    assert result.text == ""


@pytest.mark.parametrize("raw", ["😀😀🙏", "???", "!!! ... ---", "👍🏽"])
def test_emoji_and_punctuation_only_have_no_words(raw: str) -> None:
    assert clean_text(raw, max_chars=100).status == NO_WORDS


def test_long_message_is_cut_and_marked() -> None:
    raw = "my knee hurts " * 2000
    result = clean_text(raw, max_chars=1000)
    assert result.status == TOO_LONG
    assert len(result.text) <= 1000
    assert result.original_length == len(raw)


def test_control_characters_and_whitespace_are_removed() -> None:
    result = clean_text("what\x00 is\x1b[31m a\t\tVRO?\u200b", max_chars=100)
    assert result.status == OK
    assert result.text == "what is [31m a VRO?"


def test_unicode_is_composed_to_nfc() -> None:
    decomposed = "cafe\u0301"
    assert clean_text(decomposed, max_chars=100).text == "caf\u00e9"


def test_bangla_joiners_are_kept() -> None:
    # ZWNJ/ZWJ change how Bangla conjuncts render; stripping them changes words.
    text = "র\u200dযাব"
    assert clean_text(text, max_chars=100).text == text


def test_html_is_kept_as_plain_text() -> None:
    result = clean_text("<script>alert(1)</script> what is DFO", max_chars=100)
    assert result.status == OK
    assert result.text.startswith("<script>")
