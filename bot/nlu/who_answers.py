"""Whether a message asks who is answering: "are you a bot?" must say so.

"Is this operation safe?" and "এটা কি নিরাপদ?" were read as ``bot_challenge``
(0.3 to 0.67): "is this" and "এটা কি" begin many of its training examples
("is this a bot?", "এটা কি অটোমেটিক উত্তর?"). The patient asking whether the
operation is safe was told "I am an automated assistant, not a person".

Every way of asking who answers names the assistant or what it might be: you,
a bot, a person, a machine, the doctor himself, who. A ``bot_challenge``
reading of a message naming none of these is not trusted
(``bot.nlu.response_aware_fallback``): it gets the clarifying turn instead.
A test holds that every training example and every labelled message of
``bot_challenge`` names one.
"""

from __future__ import annotations

from typing import FrozenSet

from bot.nlu.bangla import bangla_stems, canonical_words
from bot.nlu.concepts import words

BOT_CHALLENGE = "bot_challenge"

# In English, Bangla script and romanized Bangla, normalised as messages are.
# Forms of address ("sir", "ডাক্তার") are not enough: "sir, is it safe?" asks
# about the operation; "the doctor himself" names "himself".
WHO_ANSWERS_WORDS: FrozenSet[str] = canonical_words(
    {
        # the one answering
        "you",
        "u",
        "your",
        "yourself",
        "who",
        "whom",
        "himself",
        "herself",
        "someone",
        "somebody",
        "anyone",
        # what it might be
        "bot",
        "bots",
        "chatbot",
        "robot",
        "human",
        "humans",
        "person",
        "real",
        "actual",
        "machine",
        "automated",
        "automatic",
        "auto",
        "ai",
        "computer",
        "program",
        "software",
        "chatgpt",
        "gpt",
        "typing",
        "replying",
        "reply",
        "answering",
        "talking",
        "chatting",
        "আপনি",
        "আপনার",
        "আপনারা",
        "তুমি",
        "তোমার",
        "তুই",
        "কে",
        "কেউ",
        "নিজে",
        "রোবট",
        "বট",
        "মানুষ",
        "আসল",
        "মেশিন",
        "যন্ত্র",
        "অটো",
        "অটোমেটিক",
        "এআই",
        "কম্পিউটার",
        "প্রোগ্রাম",
        "সফটওয়্যার",
        "চ্যাটজিপিটি",
        "টাইপ",
        "apni",
        "apnar",
        "apnara",
        "tumi",
        "tomar",
        "tui",
        "ke",
        "keu",
        "nije",
        "manush",
        "manusher",
        "asol",
        "jontro",
    }
)


def speaks_of_who_answers(text: str) -> bool:
    """Whether the message names the one answering or what it might be.

    Bangla words are also looked up by their stems ("মানুষের" is "মানুষ").
    """
    for word in words(text.lower()):
        if word in WHO_ANSWERS_WORDS or bangla_stems(word) & WHO_ANSWERS_WORDS:
            return True
    return False
