"""A message the assistant cannot answer, right after urgent-care advice, gets that advice again.

"Can I wait until tomorrow?", "is that serious?", "what should I do?" after
the assistant told a patient to seek urgent care are about that advice. The
NLU reads each message alone: out of scope, beyond the pages, or not
understood, and the patient was told "Sorry, I can't help with that" or
offered knee topics. Instead the advice comes again, worded for the
question: a chat cannot tell how serious it is; do not wait.

Only messages the assistant would not otherwise answer are read this way: an
FAQ question after the advice still gets its answer, and a request for staff
still reaches staff. A question about waiting ("কাল সকাল পর্যন্ত অপেক্ষা করা
যাবে?") the models read as a request for staff is not one: it gets the
advice, not the staff queue's "your request is with staff" and a call-back
offer (``asks_about_waiting``). The staff queue's reply after the advice
keeps it current: what the patient writes next still follows it.

Plain functions over Rasa's event dicts: tests call them without a server.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterable, Optional

from bot.nlu.bangla import canonical_words
from bot.nlu.concepts import first_word_index, listed_phrases, mentions_any, words
from bot.tracker_events import before_latest_message
from bot.urgent_advice import MISREAD_TOPICS_RESPONSE, MODELS_ONLY_RESPONSE, URGENT_ADVICE

# The reminder itself: a second unclear message after it still follows the advice.
FOLLOW_UP_RESPONSE = "utter_urgent_follow_up"
# Its words for a patient who says they are going ("ok we are on the way").
GOING_RESPONSE = "utter_urgent_going"
# What may come after the advice and leave it the last word on what to do:
# the reminder, the clinic's phone, the staff queue's replies ("your request
# is with staff... do not wait"), the topics after the models-only advice,
# and the one-time language notice.
KEEPS_ADVICE_CURRENT: FrozenSet[str] = frozenset(
    {
        FOLLOW_UP_RESPONSE,
        GOING_RESPONSE,
        MISREAD_TOPICS_RESPONSE,
        "utter_clinic_phone",
        "utter_urgent_staff_alerted",
        "utter_urgent_staff_offline",
        "utter_handoff",
        "utter_handoff_connecting",
        "utter_handoff_already_waiting",
        "utter_handoff_closed_hours",
        "utter_handoff_nobody_online",
        "utter_handoff_contact",
        "utter_handoff_no_contact",
        "utter_handoff_whatsapp",
        "utter_handoff_hours",
        "utter_offer_callback",
        "utter_language_auto_bn",
    }
)
# Asking whether to wait, or until when, in English, Bangla script and
# romanized Bangla, normalised as messages are.
WAITING_WORDS: FrozenSet[str] = canonical_words(
    {
        "wait",
        "waiting",
        "tomorrow",
        "tonight",
        "morning",
        "later",
        "অপেক্ষা",
        "কাল",
        "কালকে",
        "আগামীকাল",
        "সকাল",
        "সকালে",
        "রাতে",
        "opekkha",
        "opekha",
        "kal",
        "kalke",
        "sokal",
        "sokale",
    }
)

# Saying they are going for care now, in English, Bangla script and
# romanized Bangla: the phrases match as concept phrases do (word starts).
_GOING_PHRASES = first_word_index(
    listed_phrases(
        (
            "we are going",
            "we're going",
            "were going",
            "i am going",
            "i'm going",
            "im going",
            "going now",
            "on the way",
            "on our way",
            "on my way",
            "leaving now",
            "heading to",
            "taking him",
            "taking her",
            "calling 999",
            "called 999",
            "যাচ্ছি",
            "রওনা",
            "jacchi",
            "jachhi",
            "jachi",
            "rowna",
            "roana",
        )
    )
)


def last_urgent_advice(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The urgent-care advice that is the assistant's last word before this message, if any.

    Only its reminder, the clinic's phone, the staff queue's replies and the
    language notice may come after it (``KEEPS_ADVICE_CURRENT``). Read from
    the names of the responses sent: the action server is sent those for
    the whole session, and the patient's messages and the actions only for
    the last turns (``bot.speedups.action_payload``).

    Args:
        events: The tracker's events, oldest first; the last ``user`` event
            is the message being answered.

    Returns:
        The advice's response name (``bot.urgent_advice.URGENT_ADVICE``), or
        None when something else came after it, or no advice was given.
    """
    for event in reversed(before_latest_message(events)):
        if event.get("event") != "bot":
            continue
        response = (event.get("metadata") or {}).get("utter_action")
        if response in URGENT_ADVICE:
            return str(response)
        if response not in KEEPS_ADVICE_CURRENT:
            return None
    return None


def reminder_due(events: Iterable[Dict[str, Any]], text: str) -> bool:
    """Whether a message the assistant would not answer gets the urgent advice again.

    After the advice for signs the red-flag detector found, always. After the
    advice only the models asked for (``MODELS_ONLY_RESPONSE``, which tells
    the patient it may have misread them and to ask again in other words),
    only when the message is about the advice: asking whether to wait, or
    saying they are going. A question asked again in other words ("no, I
    asked where your answers come from") gets its own reply, not the advice
    a second time.

    Args:
        events: The tracker's events, oldest first.
        text: The message being answered.
    """
    advice = last_urgent_advice(events)
    if advice is None:
        return False
    if advice == MODELS_ONLY_RESPONSE:
        return asks_about_waiting(text) or says_going_for_care(text)
    return True


def asks_about_waiting(text: str) -> bool:
    """Whether the message asks about waiting: "can I wait?", "kal sokal porjonto?"."""
    return bool(WAITING_WORDS & set(words(text.lower())))


def says_going_for_care(text: str) -> bool:
    """Whether the message says the patient is going for care: "ok we are on the way".

    Not when it also asks about waiting ("we are going tomorrow morning"):
    that gets the advice again.
    """
    going = mentions_any(_GOING_PHRASES, words(text.lower()))
    return going and not asks_about_waiting(text)
