"""Short replies read by rule: "nothing else" closes, "got it" acknowledges.

The phrasings, and the intent each is, live in ``short_replies.yml`` beside
this module, written for a clinician to read and extend. A message is such a
reply when, its filler words set aside, it is exactly one listed phrasing.
Plain functions: tests call them without Rasa.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Optional

import yaml

from bot.nlu.concepts import Phrase, listed_words, words

SHORT_REPLIES_FILE = Path(__file__).with_name("short_replies.yml")
# A reply is short; a longer message says something more.
MAX_WORDS = 8


@dataclass(frozen=True)
class ShortReplies:
    """Each phrasing (filler words set aside) and the intent it is."""

    intents: Dict[Phrase, str]
    filler_words: FrozenSet[str]


@functools.cache
def load_short_replies(path: Path = SHORT_REPLIES_FILE) -> ShortReplies:
    """The short replies in ``path`` (loaded once)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    replies = document.get("replies")
    fillers = document.get("filler_words") or []
    if not isinstance(replies, dict) or not isinstance(fillers, list):
        raise ValueError(f"{path}: expected a mapping under 'replies' and a list of filler_words")
    filler_words = listed_words(fillers)
    intents: Dict[Phrase, str] = {}
    for intent, phrasings in replies.items():
        for phrasing in phrasings or []:
            phrase = tuple(w for w in words(str(phrasing).lower()) if w not in filler_words)
            if not phrase:
                continue
            if intents.setdefault(phrase, str(intent)) != str(intent):
                raise ValueError(f"{path}: {phrasing!r} is listed under two intents")
    return ShortReplies(intents, filler_words)


def short_reply_intent(text: str, replies: Optional[ShortReplies] = None) -> Optional[str]:
    """The intent of a short reply (``goodbye``, ``thank``), if ``text`` is only that.

    Args:
        text: The patient's message.
        replies: The phrasings to look for (default: ``short_replies.yml``).
    """
    replies = replies or load_short_replies()
    message_words = words((text or "").lower())
    if not message_words or len(message_words) > MAX_WORDS:
        return None
    phrase = tuple(word for word in message_words if word not in replies.filler_words)
    return replies.intents.get(phrase)
