"""Whether a message the NLU read as out of scope is a follow-up on our topics.

"How is it done?", "Is it painful?" or "how long is the recovery" name no
operation, and the NLU, which reads one message at a time, places them with
questions about other operations ("how long is the recovery after an ACL
repair"): out of scope, at up to 0.94. After an answer about the hip, the
patient means the hip. Such a message gets the clarifying turn, its topics
read in the conversation's operation, instead of "I can't help with that".

A follow-up is short, names nothing outside our topics, and either refers
back ("it", "this", "the operation", or "he", "she": the patient having it)
in a conversation that is about one operation, or names one of our topic
ideas (recovery, pain, risks, the cast) whatever the conversation. Plain
functions: tests call them without Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.conversation_operation import (
    keys_for_operation,
    operation_talked_about,
    operation_to_read_in,
)
from bot.faq_choice import MAX_SUGGESTIONS, likely_faq_keys
from bot.intents import TOPIC_EVIDENCE
from bot.nlu.bangla import canonical_words
from bot.nlu.concepts import concepts_in, words
from bot.nlu.named_operation import SURGERY_WORDS, operation_meant
from bot.nlu.question_focus import asks_nothing

# Longer messages say what they are about; they are left to the NLU.
FOLLOW_UP_MAX_WORDS = 12
# Words that point back to what the conversation is about, in English,
# Bangla script and romanized Bangla: pronouns, and the words for an
# operation (``SURGERY_WORDS``).
# Normalised as ``bot.nlu.concepts.words`` reads a message ("it's" is "it", "s").
REFERRING_WORDS: FrozenSet[str] = SURGERY_WORDS | canonical_words(
    {
        "it",
        "its",
        "this",
        "that",
        "these",
        "they",
        "এটা",
        "এটি",
        "এই",
        "ওটা",
        "eta",
        "eita",
        "ota",
        "oita",
        "ei",
        # The patient the operation is for: "how long until he can stand?"
        # after the hip's answer is about the child having the hip operation.
        "he",
        "she",
        "him",
        "her",
        "his",
        "ও",
        "ওর",
        "ওকে",
        "সে",
        "তার",
        "তাকে",
        # One of what the last answer named: "which one is better?" after
        # the opening and closing wedges was told "I can't help with that".
        "one",
        "কোনটা",
        "কোনটি",
        "konta",
    }
)
# Questions of when or how long ("how long after?", "ar hatte koto din
# lagbe?", "কবে হাঁটতে পারবে?") ask, in a conversation about one operation,
# about its recovery or its steps: single words, and pairs of words in a row.
WHEN_WORDS: FrozenSet[str] = canonical_words({"when", "kobe", "কবে", "kotodin", "কতদিন"})
HOW_LONG_PAIRS: FrozenSet[Tuple[str, str]] = frozenset(
    (first, second)
    for first, seconds in (
        ("how", ("long", "many", "soon")),
        ("koto", ("din", "diner", "shoptaho", "mash")),
        ("কত", ("দিন", "দিনের", "সপ্তাহ", "মাস")),
    )
    for second in canonical_words(seconds)
)
# A follow-up asking how much ("by how much?" after "it shortens the leg",
# "কতটা?"): neither page gives an amount, and the honest reply is that the
# pages do not say. Pairs of words in a row, and single Bangla words.
AMOUNT_PAIRS: FrozenSet[Tuple[str, str]] = frozenset(
    (first, second)
    for first, seconds in (("how", ("much",)), ("koto", ("ta", "tuku")))
    for second in canonical_words(seconds)
)
AMOUNT_WORDS: FrozenSet[str] = canonical_words({"কতটা", "কতটুকু", "kotota", "kototuku"})
# A follow-up asking whether the operation is safe ("is it safe?") asks about
# its downsides, which the hip page names: that answer is offered first. The
# knee page names none, so in a conversation about the knee it is left out,
# as every hip-only answer is (``keys_for_operation``).
SAFETY_WORDS: FrozenSet[str] = canonical_words(
    {"safe", "safety", "unsafe", "risky", "nirapod", "নিরাপদ", "ঝুঁকিপূর্ণ"}
)
DOWNSIDES_ANSWER = "faq/vro_disadvantages"
# Concepts of bot/nlu/concepts.yml that are questions about our operations.
TOPIC_CONCEPTS: FrozenSet[str] = frozenset(
    {
        "recovery",
        "pain",
        "risk",
        "why",
        "cast",
        "hardware",
        "candidate",
        "technique",
        "treatment",
        "diagnosis",
        "surgery_first",
        "combined",
    }
)


def reads_as_follow_up(text: str, in_conversation_about_an_operation: bool) -> bool:
    """Whether an out-of-scope reading of ``text`` is likely a follow-up question.

    In a conversation about one operation, a word that refers back
    (``REFERRING_WORDS``) or a question of when or how long (``asks_when``)
    is enough; elsewhere one of our topic ideas (``TOPIC_CONCEPTS``) is needed.

    Args:
        text: The patient's message (its out-of-domain terms already checked).
        in_conversation_about_an_operation: The conversation so far is about
            one operation, so "it" has something to refer to.
    """
    message_words = words(text)
    if not message_words or len(message_words) > FOLLOW_UP_MAX_WORDS:
        return False
    if TOPIC_CONCEPTS & set(concepts_in(text)):
        return True
    refers_back = (
        bool(REFERRING_WORDS & set(message_words))
        or asks_when(message_words)
        or asks_amount(message_words)
    )
    return in_conversation_about_an_operation and refers_back


def has_word_or_pair(
    message_words: Sequence[str], single: FrozenSet[str], pairs: FrozenSet[Tuple[str, str]]
) -> bool:
    """Whether the words hold one of ``single``, or one of ``pairs`` as two words in a row."""
    if single & set(message_words):
        return True
    return any(pair in pairs for pair in zip(message_words, message_words[1:], strict=False))


def asks_when(message_words: Sequence[str]) -> bool:
    """Whether the words ask when or how long ("how long after?", "koto din lagbe?")."""
    return has_word_or_pair(message_words, WHEN_WORDS, HOW_LONG_PAIRS)


def asks_amount(message_words: Sequence[str]) -> bool:
    """Whether the words ask how much ("by how much?", "কতটা?")."""
    return has_word_or_pair(message_words, AMOUNT_WORDS, AMOUNT_PAIRS)


def names_outside_our_topics(parse: Mapping[str, Any]) -> bool:
    """Whether the NLU found a term outside our topics (another joint, operation or illness)."""
    return bool((parse.get(TOPIC_EVIDENCE) or {}).get("out_of_domain"))


@dataclass(frozen=True)
class FollowUp:
    """An out-of-scope reading that is a follow-up question."""

    # The operation it is read in (``operation_to_read_in``), if any.
    operation: Optional[str]
    # It asks whether the operation is safe (``SAFETY_WORDS``).
    asks_safety: bool
    # The operation the message or the conversation was about, not the page's
    # (``operation_talked_about``): the other joint's body topics are not offered.
    talked_about: Optional[str] = None
    # It asks how much (``asks_amount``): no page gives an amount.
    asks_amount: bool = False

    @property
    def safety_unanswered(self) -> bool:
        """It asks whether an operation is safe whose page names no downsides.

        "is it safe?" after the knee's answers: the knee page names no risks,
        and the honest reply is that the pages do not say, with staff, rather
        than a clarifying turn of unrelated topics (``offered_topics`` leaves
        the hip's downsides out for the knee).
        """
        if not self.asks_safety or self.operation is None:
            return False
        return not keys_for_operation([DOWNSIDES_ANSWER], self.operation)

    @property
    def unanswered(self) -> bool:
        """The pages do not answer it: an amount ("by how much?"), or the knee's safety."""
        return self.asks_amount or self.safety_unanswered


def read_follow_up(
    parse: Mapping[str, Any], events: Iterable[Dict[str, Any]]
) -> Optional[FollowUp]:
    """The follow-up an out-of-scope reading is, or ``None`` when it is none.

    Args:
        parse: The latest message's parse data (``tracker.latest_message``).
        events: The tracker's events, oldest first.
    """
    if names_outside_our_topics(parse):
        return None
    text = str(parse.get("text") or "")
    events = list(events)
    operation = operation_to_read_in(text, events)
    if not reads_as_follow_up(text, operation is not None):
        return None
    message_words = words(text)
    return FollowUp(
        operation,
        bool(SAFETY_WORDS & set(message_words)),
        operation_talked_about(text, events),
        asks_amount(message_words),
    )


def safety_follow_up(
    parse: Mapping[str, Any], events: Iterable[Dict[str, Any]]
) -> Optional[FollowUp]:
    """The follow-up, when it asks whether an operation is safe; else ``None``.

    Read whatever the NLU made of it: "is it safe?" is out of scope to the
    models, "এটা কি নিরাপদ?" unsure (``bot.nlu.who_answers``).
    """
    follow_up = read_follow_up(parse, events)
    return follow_up if follow_up is not None and follow_up.asks_safety else None


def offered_topics(parse: Mapping[str, Any], follow_up: Optional[FollowUp]) -> List[str]:
    """The clarifying turn's FAQ keys for a follow-up, read in its operation; none for ``None``.

    The downsides come first for a question whether it is safe
    (``keys_for_operation`` drops them where the page names none).
    """
    if follow_up is None:
        return []
    keys = likely_faq_keys(parse)
    if follow_up.asks_safety:
        keys = [DOWNSIDES_ANSWER] + [key for key in keys if key != DOWNSIDES_ANSWER]
    return keys_for_operation(keys, follow_up.operation, follow_up.talked_about)[:MAX_SUGGESTIONS]


def operation_told_of(parse: Mapping[str, Any]) -> Optional[str]:
    """The operation a short statement the NLU read as out of scope tells of, if any.

    "my son is 6 with cerebral palsy", "আমার ছেলের সেরিব্রাল পালসি", "my
    mother will have knee surgery": the patient says whom the question is
    for and asks nothing yet. That is not a topic outside ours, and "I can't
    help with that" would turn them away; the assistant invites their
    question about that operation instead.

    Returns:
        ``knee`` or ``hip`` for a statement of at most ``FOLLOW_UP_MAX_WORDS``
        words that asks nothing, names nothing outside our topics and is
        about one operation (``operation_meant``); ``None`` otherwise.
    """
    if names_outside_our_topics(parse):
        return None
    text = str(parse.get("text") or "")
    if len(words(text)) > FOLLOW_UP_MAX_WORDS or not asks_nothing(text, min_words=1):
        return None
    return operation_meant(text)
