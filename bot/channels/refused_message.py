"""What a channel does with a message storage cannot take now: refuse it retryably, red flags aside.

When the lock store refuses a message (Redis down with several Rasa
processes, see ``bot.storage.lock_store``), the message is not handled and
the sender is asked to retry. A patient describing red flags must not wait
for that retry: :func:`urgent_reply` reads the message with the model's
own NLU (rules, no tracker or lock needed) and, if it is urgent, returns the
urgent-care text in the patient's language, for the channel to send at once.
The retried message later takes the normal path, which also puts the
conversation in the staff queue as an urgent handoff.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Mapping, Optional

from bot.intents import URGENT_INTENT
from bot.nlu.language import detect_language, language_request
from bot.responses import response_variant
from bot.urgent_advice import urgent_response

logger = logging.getLogger(__name__)

# The error code every channel reports with a retryable refusal.
STORAGE_UNAVAILABLE = "storage_unavailable"


def urgent_response_name(parse_data: Mapping[str, Any]) -> Optional[str]:
    """The urgent response for a parsed message, or None if it is not urgent.

    The same choice as ``action_urgent_care`` makes (``bot.urgent_advice``).
    """
    if (parse_data.get("intent") or {}).get("name") != URGENT_INTENT:
        return None
    return urgent_response(parse_data)


def reply_language(text: str) -> str:
    """``en`` or ``bn``: what the patient asked for, else the message's own language."""
    return language_request(text) or detect_language(text).reply_language


def response_text(variants: List[Dict[str, Any]], language: str) -> str:
    """The text of a domain response's variant for ``language``.

    A variant conditioned on the ``language`` slot wins; the unconditioned one
    is the default (English).
    """
    return str(response_variant(variants, language).get("text", ""))


def refuses_now(agent: Any) -> bool:
    """Whether the lock store would refuse a message now (asked before a 200 is sent)."""
    lock_store = getattr(agent, "lock_store", None)
    check = getattr(lock_store, "refuses_now", None)
    return bool(check and check())


async def urgent_reply(agent: Any, text: str) -> Optional[str]:
    """The urgent-care text for ``text`` if it describes red flags, else None.

    It never raises: it runs where handling has already failed or been refused.

    Args:
        agent: Rasa's ``Agent``: its NLU reads the message, its domain has the text.
        text: The patient's message.
    """
    try:
        if agent is None or not agent.is_ready():
            return None
        parse_data = await agent.parse_message(text)
    except Exception as error:  # the refusal still stands; the retry reads it again
        logger.error("refused_message.parse_failed error=%s", type(error).__name__)
        return None
    name = urgent_response_name(parse_data)
    if name is None:
        return None
    language = reply_language(text)
    logger.warning("refused_message.urgent_answered response=%s language=%s", name, language)
    return response_text(agent.domain.responses.get(name, []), language) or None
