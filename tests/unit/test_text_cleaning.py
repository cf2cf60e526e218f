"""The input guard's text cleaning, on the bad input patients really send."""

import pytest

from bot.nlu.text_cleaning import EMPTY, NO_WORDS, OK, READ_IN_PART, TOO_LONG, clean_text, shorten


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


def test_a_long_message_within_the_reading_limit_is_read_by_its_question() -> None:
    story = "She was born early and has had therapy since she was two. " * 30
    full = clean_text(story + "How long is the recovery?", max_chars=50_000)
    result = shorten(full, max_chars=1000, max_read_chars=5000)
    assert result.status == READ_IN_PART
    assert len(result.text) <= 1000
    assert result.text.endswith("two. How long is the recovery?")
    assert result.original_length == full.original_length


def test_beyond_the_reading_limit_a_message_is_too_long() -> None:
    full = clean_text("my knee hurts. " * 400, max_chars=50_000)
    assert shorten(full, max_chars=1000, max_read_chars=5000).status == TOO_LONG


def test_a_message_within_the_classifiers_length_is_untouched() -> None:
    full = clean_text("what is VRO?", max_chars=50_000)
    assert shorten(full, max_chars=1000, max_read_chars=5000) == full


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


# --- Bangla script ------------------------------------------------------------

# য়, ড়, ঢ় as one code point (composition exclusions) and as consonant + nukta.
NUKTA_PAIRS = [
    ("\u09df", "\u09af\u09bc"),  # য়
    ("\u09dc", "\u09a1\u09bc"),  # ড়
    ("\u09dd", "\u09a2\u09bc"),  # ঢ়
]


@pytest.mark.parametrize(("precomposed", "decomposed"), NUKTA_PAIRS)
def test_both_encodings_of_nukta_letters_become_the_decomposed_one(
    precomposed: str, decomposed: str
) -> None:
    word = f"পা{precomposed}ের"
    assert clean_text(word, max_chars=100).text == f"পা{decomposed}ের"
    assert clean_text(f"পা{decomposed}ের", max_chars=100).text == f"পা{decomposed}ের"


def test_training_and_live_messages_are_cleaned_alike() -> None:
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.nlu.input_guard import InputGuard

    guard = InputGuard(InputGuard.get_default_config())
    example = Message(data={"text": "পা\u09dfের গোছা ফুলে\u200b গেছে", "intent": "urgent_symptoms"})
    live = Message(data={"text": "পা\u09af\u09bcের গোছা ফুলে গেছে"})
    guard.process_training_data(TrainingData([example]))
    guard.process([live])
    assert example.get("text") == live.get("text") == "পা\u09af\u09bcের গোছা ফুলে গেছে"


@pytest.mark.parametrize(
    "joined",
    [
        "র\u200d্যাব",  # ZWJ: ra + ya-phala, not reph
        "ক্\u200cষ",  # ZWNJ: explicit hasant, no conjunct
        "হঠা\u09ce",
    ],
)
def test_bangla_joiners_are_kept_in_conjuncts(joined: str) -> None:
    assert clean_text(joined, max_chars=100).text == joined


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b",  # zero-width space
        "\u200e",  # left-to-right mark
        "\u200f",  # right-to-left mark
        "\u202a",  # left-to-right embedding
        "\u2066",  # left-to-right isolate
        "\u2060",  # word joiner
        "\ufeff",  # byte order mark
        "\u00ad",  # soft hyphen
        "\u180e",  # Mongolian vowel separator
    ],
)
def test_other_format_characters_are_removed_without_splitting_words(invisible: str) -> None:
    assert clean_text(f"জ্ব{invisible}র আছে", max_chars=100).text == "জ্বর আছে"
    assert clean_text(f"fe{invisible}ver", max_chars=100).text == "fever"


def test_old_khanda_ta_and_split_aa_are_made_canonical() -> None:
    assert clean_text("হঠাত\u09cd\u200d ব্যথা", max_chars=100).text == "হঠা\u09ce ব্যথা"
    assert clean_text("\u0985\u09beমার", max_chars=100).text == "আমার"


def test_bangla_digits_are_kept_and_readable() -> None:
    from bot.digits import to_ascii_digits

    cleaned = clean_text("জ্বর ১০৩.৫, ফোন ০১৭১২", max_chars=100).text
    assert cleaned == "জ্বর ১০৩.৫, ফোন ০১৭১২"
    assert to_ascii_digits(cleaned) == "জ্বর 103.5, ফোন 01712"
    assert float("১০৩.৫") == 103.5


def test_bangla_only_message_has_words() -> None:
    assert clean_text("জ্বর", max_chars=100).status == OK
    assert clean_text("।।", max_chars=100).status == NO_WORDS
