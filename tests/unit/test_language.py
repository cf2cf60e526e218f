"""Language detection, language requests, the reply-language policy and the NLU component."""

from typing import Optional

import pytest
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.input_guard import InputGuard
from bot.nlu.language import (
    BANGLA,
    ENGLISH,
    ROMANIZED_BANGLA,
    LanguageGuess,
    conversation_language,
    detect_language,
    language_request,
)
from bot.nlu.language_detector import LANGUAGE, LANGUAGE_CLEAR, LANGUAGE_REQUEST, LanguageDetector

# --- detect_language ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "অপারেশনের পর কতদিন হাঁটতে পারবো?",
        "আমার ছেলের VRO operation এর পর কতদিন cast থাকবে?",  # mixed: still Bangla
        "DFO কি?",
        "জ্বর",
        "ok ধন্যবাদ",
        "ডা. রহমানের সাথে কথা বলতে চাই",
    ],
)
def test_bangla_script_is_bangla(text: str) -> None:
    guess = detect_language(text)
    assert guess.code == BANGLA
    assert guess.clear
    assert guess.reply_language == BANGLA


@pytest.mark.parametrize(
    "text",
    [
        "hatur operation er por koto din hatte parbo?",
        "ki korbo",
        "koto din lagbe?",
        "amr pa fule gese",
        "my son er operation er por fever hoise, ki korbo?",
        "Dr. sir er sathe kotha bolte chai",
        "operation kobe hobe",
        "VRO er por ki ki khawa jabe",
        "apnar clinic kothay?",
        "vai operation er khoroch koto",
    ],
)
def test_romanized_bangla_is_recognised(text: str) -> None:
    guess = detect_language(text)
    assert guess.code == ROMANIZED_BANGLA
    assert guess.clear
    assert guess.reply_language == BANGLA


@pytest.mark.parametrize(
    "text",
    [
        "how long until my son can stand after a VDO?",
        "what is DFO",
        "Is it safe?",
        "the wound is red",
        "can I take a bath with the cast on",
        # English words that are also romanized Bangla words, as whole words
        "my kid has a hat on his head after the operation",
        "what are the risks of a hip osteotomy in children with cerebral palsy",
    ],
)
def test_english_is_english(text: str) -> None:
    guess = detect_language(text)
    assert guess.code == ENGLISH
    assert guess.clear


@pytest.mark.parametrize(
    "text",
    ["ok", "VRO?", "hi", "hello", "thank you", "hmm", "DFO", "yes", "?", "", "😀", "vai", "plz"],
)
def test_short_or_ambiguous_messages_are_not_clear(text: str) -> None:
    assert not detect_language(text).clear


def test_romanized_words_match_whole_words_only() -> None:
    # "ki" is in "kid", "kind", "kit"; "na" in "name": none of them is Bangla.
    guess = detect_language("my kid is kind, what is the name of the kit")
    assert guess.code == ENGLISH


def test_a_lone_bangla_letter_is_not_clear() -> None:
    assert not detect_language("ok ক").clear


def test_confidence_is_between_zero_and_one() -> None:
    for text in ["ok", "ki korbo", "what is DFO", "জ্বর", "amar knee te pain"]:
        assert 0.0 <= detect_language(text).confidence <= 1.0


# --- language_request ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("English please", ENGLISH),
        ("reply in english", ENGLISH),
        ("Can you answer in English?", ENGLISH),
        ("speak in bangla", BANGLA),
        ("Bangla please", BANGLA),
        ("বাংলায় বলুন", BANGLA),
        ("বাংলায় লিখুন প্লিজ", BANGLA),
        ("ইংরেজিতে বলুন", ENGLISH),
        ("english e bolen", ENGLISH),
        ("banglay bolo", BANGLA),
        ("bangla te bolen plz", BANGLA),
        ("amake bangla te uttor din", BANGLA),
        ("English", ENGLISH),
        ("বাংলা", BANGLA),
        # not understanding one language asks for the other
        ("I don't understand English", BANGLA),
        ("English bujhi na", BANGLA),
        ("ইংরেজি বুঝি না", BANGLA),
        ("Bangla bujhi na, English please", ENGLISH),
        ("not in English please", BANGLA),
    ],
)
def test_explicit_language_requests(text: str, expected: str) -> None:
    assert language_request(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "what is the English word for VRO?",
        "Please send the English leaflet",
        "my son studies in English medium school",
        "Do you have a Bangla leaflet?",
        "অপারেশনের পর কতদিন হাঁটতে পারবো?",
        "hatur operation er por koto din hatte parbo?",
        "how long until he can walk",
        "",
    ],
)
def test_mentioning_a_language_is_not_a_request(text: str) -> None:
    assert language_request(text) is None


# --- conversation_language ----------------------------------------------------

CLEAR_BN = LanguageGuess(BANGLA, True, 0.9)
CLEAR_BN_LATN = LanguageGuess(ROMANIZED_BANGLA, True, 0.9)
CLEAR_EN = LanguageGuess(ENGLISH, True, 0.9)
UNCLEAR_EN = LanguageGuess(ENGLISH, False, 0.0)


@pytest.mark.parametrize(
    ("current", "pinned", "guess", "requested", "expected"),
    [
        # default
        (None, False, None, None, (ENGLISH, False)),
        (None, False, UNCLEAR_EN, None, (ENGLISH, False)),
        # a clear message switches an unpinned conversation
        (None, False, CLEAR_BN, None, (BANGLA, False)),
        (ENGLISH, False, CLEAR_BN_LATN, None, (BANGLA, False)),
        (BANGLA, False, CLEAR_EN, None, (ENGLISH, False)),
        # an unclear one keeps the current language
        (BANGLA, False, UNCLEAR_EN, None, (BANGLA, False)),
        (BANGLA, False, None, None, (BANGLA, False)),
        # a pinned conversation keeps its language
        (ENGLISH, True, CLEAR_BN, None, (ENGLISH, True)),
        (BANGLA, True, CLEAR_EN, None, (BANGLA, True)),
        # an explicit request sets and pins, whatever the message looks like
        (ENGLISH, False, CLEAR_EN, BANGLA, (BANGLA, True)),
        (BANGLA, True, CLEAR_BN, ENGLISH, (ENGLISH, True)),
        # replies are only ever en or bn
        ("bn_latn", False, None, None, (ENGLISH, False)),
    ],
)
def test_reply_language_policy(
    current: Optional[str],
    pinned: bool,
    guess: Optional[LanguageGuess],
    requested: Optional[str],
    expected: tuple,
) -> None:
    assert conversation_language(current, pinned, guess, requested) == expected


def test_a_conversation_follows_the_patient() -> None:
    language, pinned = None, False
    for text, expected in [
        ("hi", ENGLISH),
        ("hatur operation er por koto din hatte parbo?", BANGLA),
        ("ok", BANGLA),
        ("what is a DFO exactly", ENGLISH),
        ("বাংলায় বলুন", BANGLA),
        ("how long does the cast stay on", BANGLA),  # pinned by the request
        ("reply in English", ENGLISH),
    ]:
        language, pinned = conversation_language(
            language, pinned, detect_language(text), language_request(text)
        )
        assert language == expected, text


# --- the NLU component --------------------------------------------------------


def detector() -> LanguageDetector:
    return LanguageDetector.create(LanguageDetector.get_default_config(), None, None, None)


@pytest.mark.parametrize(
    ("text", "language", "clear", "requested"),
    [
        ("how long until my son can stand after a VDO?", ENGLISH, True, None),
        ("অপারেশনের পর কতদিন হাঁটতে পারবো?", BANGLA, True, None),
        ("hatur operation er por koto din hatte parbo?", ROMANIZED_BANGLA, True, None),
        ("ok", ENGLISH, False, None),
        ("English please", ENGLISH, False, ENGLISH),
        ("বাংলায় বলুন", BANGLA, True, BANGLA),
    ],
)
def test_detector_sets_output_properties(
    text: str, language: str, clear: bool, requested: Optional[str]
) -> None:
    message = Message(data={"text": text})
    detector().process([message])
    assert message.get(LANGUAGE) == language
    assert message.get(LANGUAGE_CLEAR) is clear
    assert message.get(LANGUAGE_REQUEST) == requested
    # What /model/parse returns and the tracker keeps as parse_data (Rasa
    # leaves out properties whose value is None: no request, no key).
    output = message.as_dict(only_output_properties=True)
    assert output[LANGUAGE] == language
    assert output[LANGUAGE_CLEAR] is clear
    assert output.get(LANGUAGE_REQUEST) == requested
    assert (LANGUAGE_REQUEST in output) is (requested is not None)


def test_detector_reads_the_text_the_input_guard_cleaned() -> None:
    message = Message(data={"text": "\u200bজ্ব\u200eর\x00 ১০৩"})
    guard = InputGuard(InputGuard.get_default_config())
    detector().process(guard.process([message]))
    assert message.get("text") == "জ্বর ১০৩"
    assert message.get(LANGUAGE) == BANGLA


def test_detector_skips_messages_without_text() -> None:
    message = Message(data={"intent": {"name": "greet"}})
    detector().process([message])
    assert message.get(LANGUAGE) is None


def test_detector_leaves_training_data_alone() -> None:
    training_data = TrainingData([Message(data={"text": "ki korbo", "intent": "faq"})])
    detector().process_training_data(training_data)
    assert training_data.training_examples[0].get(LANGUAGE) is None


def test_detector_runs_with_the_message_processors() -> None:
    # A message tokenizer/featurizer runs in pipeline order at training and at
    # parse time, so placed after InputGuard it reads cleaned text.
    registered = DefaultV1Recipe._from_registry("bot.nlu.language_detector.LanguageDetector")
    assert DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER in registered.types
    assert not registered.is_trainable
