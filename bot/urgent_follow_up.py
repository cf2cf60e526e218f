"""A message the assistant cannot answer, right after urgent-care advice, gets that advice again.

"Can I wait until tomorrow?", "is that serious?", "what should I do?" after
the assistant told a patient to seek urgent care are about that advice. The
NLU reads each message alone: out of scope, beyond the pages, or not
understood, and the patient was told "Sorry, I can't help with that" or
offered knee topics. Instead the advice comes again, worded for the
question: a chat cannot tell how serious it is; do not wait.

Only messages the assistant would not otherwise answer are read this way: an
FAQ question after the advice still gets its answer, and a request for staff
still reaches staff.

Plain functions over Rasa's event dicts: tests call them without a server.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List

from bot.tracker_events import before_latest_message

URGENT_ACTION = "action_urgent_care"
# The reminder itself: a second unclear message after it still follows the advice.
FOLLOW_UP_RESPONSE = "utter_urgent_follow_up"


def _replies_by_turn(events: Iterable[Dict[str, Any]]) -> List[List[Dict[str, Any]]]:
    """The assistant's events after each earlier patient message, latest turn first.

    The latest ``user`` event (the message being answered) and what follows
    it are left out.
    """
    turns: List[List[Dict[str, Any]]] = []
    for event in before_latest_message(events):
        if event.get("event") == "user":
            turns.append([])
        elif turns:
            turns[-1].append(event)
    return list(reversed(turns))


def _is_urgent_reply(reply: List[Dict[str, Any]]) -> bool:
    return any(
        event.get("event") == "action" and event.get("name") == URGENT_ACTION for event in reply
    )


def _is_reminder(reply: List[Dict[str, Any]]) -> bool:
    return any(
        event.get("event") == "bot"
        and (event.get("metadata") or {}).get("utter_action") == FOLLOW_UP_RESPONSE
        for event in reply
    )


def follows_urgent_advice(events: Iterable[Dict[str, Any]]) -> bool:
    """Whether the assistant's last reply was urgent-care advice, or the reminder of it.

    Args:
        events: The tracker's events, oldest first; the last ``user`` event
            is the message being answered.
    """
    for reply in _replies_by_turn(events):
        if _is_urgent_reply(reply):
            return True
        if not _is_reminder(reply):
            return False
    return False
