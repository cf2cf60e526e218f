"""Right after an answer, "I don't understand": the rest of that answer, and staff.

A patient who did not follow an answer says so: "I don't understand",
"বুঝলাম না", "bujhi nai". The NLU reads each message alone, as not
understood (the clarifying turn then offered unrelated topics) or as "no"
("Okay. Anything else?"). Right after an FAQ answer, the assistant instead
says sorry and offers the rest of that answer, when only its first part was
sent, and the clinic's staff, who can explain it. The phrasings live in
``bot/nlu/short_replies.yml`` (``unclear_answer``).

Plain functions over Rasa's event dicts: tests call them without a server.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional, Tuple

from bot.faq_choice import answer_part_sent
from bot.nlu.short_replies import says_answer_unclear
from bot.tracker_events import before_latest_message


def last_reply_answer(events: Iterable[Dict[str, Any]]) -> Optional[Tuple[str, str]]:
    """The FAQ answer the assistant's last message was, ``(topic, "first" | "more")``, if any.

    The latest ``user`` event (the message being answered) and what follows
    it are not read.
    """
    for event in reversed(before_latest_message(events)):
        if event.get("event") == "user":
            return None
        if event.get("event") == "bot":
            return answer_part_sent(event)
    return None


def unclear_answer(text: str, events: Iterable[Dict[str, Any]]) -> Optional[Tuple[str, str]]:
    """The answer ``(topic, part)`` a patient says they did not understand, if any.

    ``None`` unless the message only says so and the assistant's last
    message was an FAQ answer.
    """
    if not says_answer_unclear(text):
        return None
    return last_reply_answer(events)
