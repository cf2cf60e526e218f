"""Bangla script through the project's spaCy pipeline and Rasa's SpacyTokenizer."""

from pathlib import Path
from typing import List

import pytest
import spacy
from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language

from bot.nlu.bangla import bangla_stems, canonical_bangla, normalise_word
from bot.nlu.spacy_pipeline import add_bangla_punctuation


def tokens(nlp: Language, text: str) -> List[str]:
    return [token.text for token in nlp(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("হবে।আমার", ["হবে", "।", "আমার"]),
        ("পা ঠান্ডা।", ["পা", "ঠান্ডা", "।"]),
        ("কতদিন?", ["কতদিন", "?"]),
        ("কতদিন?আমার", ["কতদিন", "?", "আমার"]),
        ("জ্বর!!আমার", ["জ্বর", "!!", "আমার"]),
        ("হবে.আমার", ["হবে", ".", "আমার"]),
        ("জ্বর;ব্যথা", ["জ্বর", ";", "ব্যথা"]),
        ("জ্বর,ব্যথা", ["জ্বর", ",", "ব্যথা"]),
        ("শেষ॥", ["শেষ", "॥"]),
        ("জ্বর।।", ["জ্বর", "।", "।"]),
        # "|" typed for a danda
        ("জ্বর|আমার", ["জ্বর", "|", "আমার"]),
        ("জ্বর|", ["জ্বর", "|"]),
        # numbers
        ("১০৩.৫ জ্বর।", ["১০৩.৫", "জ্বর", "।"]),
        ("১,০০০ টাকা", ["১,০০০", "টাকা"]),
        ("১০৩ডিগ্রি", ["১০৩", "ডিগ্রি"]),
        ("৳৫০০", ["৳", "৫০০"]),
        ("(১০৩°)", ["(", "১০৩", "°", ")"]),
        # title abbreviations stay whole
        ("ডা. রহমান", ["ডা.", "রহমান"]),
        ("মো. করিম", ["মো.", "করিম"]),
        # a joiner inside a conjunct does not split the word
        ("র\u200d্যাব", ["র\u200d্যাব"]),
        ("ক্\u200cষ", ["ক্\u200cষ"]),
    ],
)
def test_bangla_punctuation_is_split(nlp: Language, text: str, expected: List[str]) -> None:
    assert tokens(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "how long does the cast stay on after a VRO?",
        "can't walk, the x-ray is at 3.5pm, Dr. Rahman said e.g. 2-3 weeks",
        "visit https://clinic.example.com/dfo or www.example.org.",
        "temperature 39.5, 102F!!",
        "U.S. patients|other",
    ],
)
def test_english_is_tokenized_as_by_spacys_english_rules(nlp: Language, text: str) -> None:
    assert tokens(nlp, text) == tokens(spacy.blank("en"), text)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("জ্বর আছে। পা ঠান্ডা।", ["জ্বর আছে।", "পা ঠান্ডা।"]),
        ("জ্বর আছে।পা ঠান্ডা", ["জ্বর আছে।", "পা ঠান্ডা"]),
        ("প্রথম কথা॥ দ্বিতীয় কথা", ["প্রথম কথা॥", "দ্বিতীয় কথা"]),
        ("কতদিন লাগবে? ধন্যবাদ", ["কতদিন লাগবে?", "ধন্যবাদ"]),
        ("ডা. রহমান বলেছেন", ["ডা. রহমান বলেছেন"]),
    ],
)
def test_sentences_end_at_a_danda(nlp: Language, text: str, sentences: List[str]) -> None:
    assert [sentence.text for sentence in nlp(text).sents] == sentences


def test_lemmas_and_lexical_attributes_work_on_bangla(nlp: Language) -> None:
    text = "আমার ছেলের পায়ের গোছা ফুলে গেছে, জ্বর ১০৩। wounds"
    doc = nlp(text)
    bangla = [token for token in doc if token.text not in {",", "।", "wounds"}]
    # The English lookup table has no Bangla: a Bangla word is its own lemma.
    assert all(token.lemma_ == token.text for token in bangla)
    assert doc[-1].lemma_ == "wound"
    number = next(token for token in doc if token.text == "১০৩")
    assert number.like_num and number.is_digit


def test_rules_survive_saving_and_loading(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    add_bangla_punctuation(nlp)
    nlp.to_disk(tmp_path)
    loaded = spacy.load(tmp_path)
    assert tokens(loaded, "হবে।আমার ১০৩.৫ ডা. রহমান") == [
        "হবে",
        "।",
        "আমার",
        "১০৩.৫",
        "ডা.",
        "রহমান",
    ]


def test_rasa_tokens_of_bangla_keep_their_offsets(nlp: Language) -> None:
    text = "অপারেশনের পর কতদিন?আমার ছেলে।"
    message = Message(data={TEXT: text})
    message.set(SPACY_DOCS[TEXT], nlp(text))
    SpacyTokenizer(SpacyTokenizer.get_default_config()).process([message])
    rasa_tokens = message.get(TOKENS_NAMES[TEXT])
    assert [token.text for token in rasa_tokens] == [
        "অপারেশনের",
        "পর",
        "কতদিন",
        "?",
        "আমার",
        "ছেলে",
        "।",
    ]
    assert all(text[token.start : token.end] == token.text for token in rasa_tokens)


# --- bangla.py helpers --------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("\u09df", "\u09af\u09bc"),  # য়
        ("\u09dc", "\u09a1\u09bc"),  # ড়
        ("\u09dd", "\u09a2\u09bc"),  # ঢ়
        ("\u09af\u09bc", "\u09af\u09bc"),
        ("হঠা\u09a4\u09cd\u200d", "হঠা\u09ce"),  # khanda ta, pre-Unicode 4.1 encoding
        ("\u0985\u09beমার", "আমার"),  # অ + া for আ
        ("no Bangla here", "no Bangla here"),
    ],
)
def test_canonical_bangla(typed: str, canonical: str) -> None:
    assert canonical_bangla(typed) == canonical
    assert canonical_bangla(canonical) == canonical


def test_normalised_words_ignore_joiners_and_encodings() -> None:
    assert normalise_word("র\u200d্যাব") == normalise_word("র্যাব")
    assert normalise_word("পা\u09dfের") == normalise_word("পা\u09af\u09bcের")


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("জ্বরের", "জ্বর"),
        ("সেলাইয়ের", "সেলাই"),
        ("জায়গায়", "জায়গা"),
        ("জায়গাটাতে", "জায়গা"),
        ("ব্যথায়", "ব্যথা"),
        ("অপারেশনের", "অপারেশন"),
        ("আঙুলগুলো", "আঙুল"),
    ],
)
def test_bangla_stems(word: str, stem: str) -> None:
    assert normalise_word(stem) in bangla_stems(normalise_word(word))


def test_short_stems_are_not_made() -> None:
    # "পা" (leg) is listed with its forms; "পাতে" (on the plate) is not a leg.
    assert normalise_word("পা") not in bangla_stems(normalise_word("পাতে"))
