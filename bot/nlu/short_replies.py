"""Short replies read by rule: "nothing else" closes, "got it" acknowledges.

The phrasings, and the intent each is, live in ``short_replies.yml`` beside
this module, written for a clinician to read and extend. A message is such a
reply when, its filler words set aside, it is exactly one listed phrasing.
"I have a question about the knee operation" announces a question: with the
greetings and the words that name an operation also set aside, it is one
listed announcement, read as a greeting (the reply invites the question).
Plain functions: tests call them without Rasa.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Optional, Sequence

import yaml

from bot.nlu.concepts import Phrase, listed_words, words

SHORT_REPLIES_FILE = Path(__file__).with_name("short_replies.yml")
# A reply is short; a longer message says something more.
MAX_WORDS = 8
# "Assalamu alaikum, good morning, I have a question about my daughter's hip operation (VRO)."
MAX_ANNOUNCEMENT_WORDS = 16
# The intent an announced question is read as.
ANNOUNCEMENT_INTENT = "greet"
# The intent of a message of filler words that thanks ("thik ache dhonnobad").
THANKS_INTENT = "thank"


@dataclass(frozen=True)
class ShortReplies:
    """Each phrasing (filler words set aside) and the intent it is."""

    intents: Dict[Phrase, str]
    filler_words: FrozenSet[str]
    # "I have a question", its filler and announcement words set aside.
    announcements: FrozenSet[Phrase] = frozenset()
    # Set aside around an announcement: the filler words, greetings and the
    # words that may name the operation asked about.
    set_aside_in_announcements: FrozenSet[str] = frozenset()
    # "I don't understand", its filler words set aside (``says_answer_unclear``).
    unclear: FrozenSet[Phrase] = frozenset()
    # A message of filler words only is thanks when it has one of these
    # ("thik ache dhonnobad"), and none of ``yes_words`` ("yes thanks" to an
    # offer accepts it).
    thanks_words: FrozenSet[str] = frozenset()
    yes_words: FrozenSet[str] = frozenset()


def phrase_of(text: str, set_aside: FrozenSet[str]) -> Phrase:
    """The words of ``text`` as a phrase (lower case), those in ``set_aside`` left out."""
    return tuple(word for word in words(text.lower()) if word not in set_aside)


def _phrases(entries: Sequence[object], set_aside: FrozenSet[str]) -> FrozenSet[Phrase]:
    """The listed entries as phrases, empty ones left out."""
    return frozenset(phrase for phrase in (phrase_of(str(e), set_aside) for e in entries) if phrase)


@functools.cache
def load_short_replies(path: Path = SHORT_REPLIES_FILE) -> ShortReplies:
    """The short replies in ``path`` (loaded once)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    replies = document.get("replies")
    fillers = document.get("filler_words") or []
    announced = document.get("announcements") or []
    around_announcements = document.get("announcement_words") or []
    unclear = document.get("unclear_answer") or []
    thanks = document.get("thanks_words") or []
    yes = document.get("yes_words") or []
    lists = (fillers, announced, around_announcements, unclear, thanks, yes)
    if not isinstance(replies, dict) or not all(isinstance(entries, list) for entries in lists):
        raise ValueError(
            f"{path}: expected a mapping under 'replies' and lists of filler_words,"
            " announcements, announcement_words, unclear_answer, thanks_words and yes_words"
        )
    filler_words = listed_words(fillers)
    set_aside = filler_words | listed_words(around_announcements)
    intents: Dict[Phrase, str] = {}
    for intent, phrasings in replies.items():
        for phrasing in phrasings or []:
            phrase = phrase_of(str(phrasing), filler_words)
            if not phrase:
                continue
            if intents.setdefault(phrase, str(intent)) != str(intent):
                raise ValueError(f"{path}: {phrasing!r} is listed under two intents")
    return ShortReplies(
        intents,
        filler_words,
        _phrases(announced, set_aside),
        set_aside,
        _phrases(unclear, filler_words),
        listed_words(thanks),
        listed_words(yes),
    )


def only_thanks(message_words: Sequence[str], replies: ShortReplies) -> bool:
    """Whether a message of filler words only thanks: "thik ache dhonnobad", "ok thanks".

    The models were unsure of such mixes (thanks 0.43, "yes" 0.36), and
    after a clarifying turn the patient was told "Sorry, I still don't
    understand". Not with a "yes" ("yes thanks" accepts an offer).
    """
    present = set(message_words)
    return (
        len(message_words) <= MAX_WORDS
        and present <= replies.filler_words
        and bool(present & replies.thanks_words)
        and not present & replies.yes_words
    )


def _reply_phrase(message_words: Sequence[str], replies: ShortReplies) -> Optional[Phrase]:
    """A short message's words, its filler words set aside; ``None`` for a longer one."""
    if len(message_words) > MAX_WORDS:
        return None
    return tuple(word for word in message_words if word not in replies.filler_words)


def says_answer_unclear(text: str, replies: Optional[ShortReplies] = None) -> bool:
    """Whether ``text`` only says the patient did not understand ("I don't understand").

    Args:
        text: The patient's message.
        replies: The phrasings to look for (default: ``short_replies.yml``).
    """
    replies = replies or load_short_replies()
    message_words = words((text or "").lower())
    return bool(message_words) and _reply_phrase(message_words, replies) in replies.unclear


def short_reply_intent(text: str, replies: Optional[ShortReplies] = None) -> Optional[str]:
    """The intent of a short reply (``goodbye``, ``thank``), if ``text`` is only that.

    "I have a question (about the hip operation)" is ``greet``
    (``announces_a_question``).

    Args:
        text: The patient's message.
        replies: The phrasings to look for (default: ``short_replies.yml``).
    """
    replies = replies or load_short_replies()
    message_words = words((text or "").lower())
    if not message_words:
        return None
    phrase = _reply_phrase(message_words, replies)
    if phrase is not None and phrase in replies.intents:
        return replies.intents[phrase]
    if only_thanks(message_words, replies):
        return THANKS_INTENT
    return ANNOUNCEMENT_INTENT if announces_a_question(message_words, replies) else None


def announces_a_question(message_words: Sequence[str], replies: ShortReplies) -> bool:
    """Whether the message only says a question is coming, and perhaps what about.

    "Hello, I have a question about the knee operation (DFO)", "হিপের
    অপারেশন নিয়ে আমার একটা প্রশ্ন আছে": once filler words, greetings and
    the words naming an operation are set aside, one listed announcement is
    left. "I have a question about the recovery" leaves "recovery": the
    models read it.
    """
    if len(message_words) > MAX_ANNOUNCEMENT_WORDS:
        return False
    left = tuple(word for word in message_words if word not in replies.set_aside_in_announcements)
    return left in replies.announcements
