"""Which FAQ answer the NLU chose for a message: one rule for every reader.

The rule is the one patients see. ``action_answer_faq`` runs on the intent
``faq`` (data/rules/faq.yml) and sends:

* the topic a button named (entity ``faq_topic``): ``faq/<topic>``;
* otherwise the ResponseSelector's pick, ``response_selector.faq.response
  .intent_response_key`` (written by ``bot.nlu.topic_classifier``).

A typed question that names no operation is then read in the
conversation's operation (``bot.conversation_operation``). Every other
intent gets no FAQ answer. Whether the assistant has a response
for the key is the action's business (an unknown key gets the out-of-scope
reply). The action, the review (``bot.review.turns``) and the evaluation
(``bot.evaluation.metrics`` and ``bot.evaluation.thresholds``) all read the
choice here. Only the parse result (a plain dict, as ``/model/parse``,
``tracker.latest_message`` or a stored ``user`` event has it) is read: no
Rasa code is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.intents import FAQ_INTENT

# The entity a topic button sets: ``/faq{"faq_topic": "vro_recovery"}``.
TOPIC_ENTITY = "faq_topic"
# Rasa's own ResponseSelector, trained without ``retrieval_intent`` (the
# default pipeline ``make evaluate`` compares ours with), reports under this
# name; Rasa's retrieval action reads it when no selector is named after the
# intent. Our classifier always reports under ``faq``.
DEFAULT_SELECTOR = "default"
OUR_SELECTORS: Sequence[str] = (FAQ_INTENT,)
# The response names of an answer's short first part and of its rest.
FIRST_PART_PREFIX = f"utter_{FAQ_INTENT}/"
MORE_PART_PREFIX = f"utter_{FAQ_INTENT}_more/"


@dataclass(frozen=True)
class FaqChoice:
    """The FAQ answer chosen for a message.

    Attributes:
        key: The answer key, such as ``faq/vro_recovery``.
        confidence: The selector's confidence; ``None`` for a topic button
            (or a selector output without one).
        from_button: Whether a topic button named the answer.
    """

    key: str
    confidence: Optional[float]
    from_button: bool = False


def intent_name(parse: Mapping[str, Any]) -> Optional[str]:
    """The name of the parse result's intent, if it has one."""
    intent = parse.get("intent")
    name = intent.get("name") if isinstance(intent, Mapping) else None
    return name if isinstance(name, str) and name else None


def button_topic(parse: Mapping[str, Any]) -> Optional[str]:
    """The topic a button named (``{"faq_topic": "vro_recovery"}``), if any."""
    for entity in parse.get("entities") or []:
        is_topic = isinstance(entity, Mapping) and entity.get("entity") == TOPIC_ENTITY
        if is_topic and entity.get("value"):
            return str(entity["value"])
    return None


def _confidence(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def faq_message_answer(
    parse: Mapping[str, Any], selectors: Sequence[str] = OUR_SELECTORS
) -> Optional[FaqChoice]:
    """The answer of a message already known to be an FAQ question (no intent check).

    ``action_answer_faq`` calls this: its rule has checked the intent.

    Args:
        parse: The parse result.
        selectors: The response selector outputs to read, first non-empty one
            wins (``OUR_SELECTORS``; the evaluation adds ``DEFAULT_SELECTOR``).

    Returns:
        The button's topic, else the selector's pick; ``None`` when neither
        names an answer.
    """
    topic = button_topic(parse)
    if topic is not None:
        return FaqChoice(f"{FAQ_INTENT}/{topic}", None, from_button=True)
    outputs = parse.get("response_selector")
    if not isinstance(outputs, Mapping):
        return None
    selector = next((outputs[name] for name in selectors if outputs.get(name)), None)
    response = selector.get("response") if isinstance(selector, Mapping) else None
    if not isinstance(response, Mapping):
        return None
    key = response.get("intent_response_key")
    if not isinstance(key, str) or not key:
        return None
    return FaqChoice(key, _confidence(response.get("confidence")))


def chosen_answer(
    parse: Mapping[str, Any], selectors: Sequence[str] = OUR_SELECTORS
) -> Optional[FaqChoice]:
    """The FAQ answer a message gets: ``None`` unless its intent is ``faq``.

    Args:
        parse: The parse result (``intent``, ``entities``, ``response_selector``).
        selectors: As for :func:`faq_message_answer`.
    """
    if intent_name(parse) != FAQ_INTENT:
        return None
    return faq_message_answer(parse, selectors)


def chosen_faq_key(
    parse: Mapping[str, Any], selectors: Sequence[str] = OUR_SELECTORS
) -> Optional[str]:
    """The key of :func:`chosen_answer` (``faq/<topic>``), or ``None``."""
    choice = chosen_answer(parse, selectors)
    return choice.key if choice else None


# The clarifying turn offers at most this many topics...
MAX_SUGGESTIONS = 3
# ...and none less likely than this.
MIN_SUGGESTION_CONFIDENCE = 0.05


def likely_faq_keys(parse: Mapping[str, Any]) -> List[str]:
    """The FAQ keys the clarifying turn offers as buttons, likeliest first.

    ``action_clarify`` shows them when the NLU was not sure enough to answer;
    the evaluation counts how often the right topic is among them.
    """
    selector = (parse.get("response_selector") or {}).get(FAQ_INTENT) or {}
    ranking = sorted(
        selector.get("ranking") or [],
        key=lambda entry: entry.get("confidence", 0.0),
        reverse=True,
    )
    return [
        entry["intent_response_key"]
        for entry in ranking
        if entry.get("intent_response_key")
        and entry.get("confidence", 0.0) >= MIN_SUGGESTION_CONFIDENCE
    ][:MAX_SUGGESTIONS]


def answer_part_sent(bot_event: Mapping[str, Any]) -> Optional[Tuple[str, str]]:
    """The FAQ answer a ``bot`` event sent: ``(topic, "first" | "more")``, else ``None``.

    Rasa stores the response name of each message it sent as
    ``metadata.utter_action`` of the ``bot`` event.
    """
    response = (bot_event.get("metadata") or {}).get("utter_action") or ""
    if response.startswith(FIRST_PART_PREFIX):
        return response[len(FIRST_PART_PREFIX) :], "first"
    if response.startswith(MORE_PART_PREFIX):
        return response[len(MORE_PART_PREFIX) :], "more"
    return None


def last_faq_part(events: Iterable[Dict[str, Any]]) -> Optional[Tuple[str, str]]:
    """The last FAQ message the assistant sent: ``(topic, "first" | "more")``."""
    for event in reversed(list(events)):
        if event.get("event") == "bot":
            part = answer_part_sent(event)
            if part:
                return part
    return None
