"""The reply-language slots after a patient's message: one pure function, two callers.

``language``, ``language_pinned``, ``language_notice_due`` and
``bangla_disclaimer_given`` are filled by
the custom slot mapping ``action_detect_language`` (domain.yml) after every
message. The Rasa server computes them in its own process
(:mod:`bot.speedups.language_slot_mapping`); the action server's
``actions.language.ActionDetectLanguage`` computes the same with the same
function, for Rasa processes without the override (``rasa shell``,
``RASA_SPEEDUPS=off``). Both read the NLU pipeline's output
(``bot.nlu.language_detector``) and apply ``bot.nlu.language``'s policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.nlu.language import REPLY_LANGUAGES, LanguageGuess, conversation_language

ACTION_NAME = "action_detect_language"
LANGUAGE_SLOT = "language"
PINNED_SLOT = "language_pinned"
NOTICE_SLOT = "language_notice_due"
# Whether this conversation has had the disclaimer in Bangla (with the automatic
# switch's notice or the first explicit choice of Bangla): utter_language_set
# then confirms Bangla without repeating it (once per conversation per language).
DISCLAIMER_SLOT = "bangla_disclaimer_given"


@dataclass(frozen=True)
class LanguageChoice:
    """The reply language after a message, and whether the patient chose it."""

    language: str
    pinned: bool
    switched_to_bangla_automatically: bool = False


def next_language(
    current: Optional[str],
    pinned: bool,
    detected: Optional[str],
    clear: bool,
    requested: Optional[str],
) -> LanguageChoice:
    """The language to answer in after a message (policy: ``bot.nlu.language``).

    Args:
        current: The slot's value (``en`` when unset).
        pinned: Whether the patient chose the language explicitly.
        detected: The message's language from the NLU pipeline.
        clear: Whether that detection is clear.
        requested: ``en`` or ``bn`` if the patient asked for it.

    Returns:
        The new choice, and whether the conversation just switched to Bangla
        without being asked (the patient is then told, once).
    """
    guess = None if detected is None else LanguageGuess(detected, clear, 1.0)
    language, now_pinned = conversation_language(current, pinned, guess, requested)
    previous = current if current in REPLY_LANGUAGES else "en"
    switched = language == "bn" and previous != "bn" and not now_pinned
    return LanguageChoice(language, now_pinned, switched_to_bangla_automatically=switched)


def requested_language(latest_message: Dict[str, Any]) -> Optional[str]:
    """The language asked for by a button entity, else by the typed request."""
    for entity in latest_message.get("entities") or []:
        if entity.get("entity") == "language_choice" and entity.get("value") in REPLY_LANGUAGES:
            return entity["value"]
    requested = latest_message.get("language_request")
    return requested if requested in REPLY_LANGUAGES else None


def detected_language(latest_message: Dict[str, Any]) -> tuple:
    """``(code, clear)`` as reported by the language detector (absent: unknown).

    Button payloads (``/faq{...}``) say nothing about the patient's language.
    """
    if str(latest_message.get("text") or "").startswith("/"):
        return None, False
    value = latest_message.get("language")
    if isinstance(value, dict):
        return value.get("code"), bool(value.get("clear"))
    return value, bool(latest_message.get("language_clear", value is not None))


def language_slot_changes(
    latest_message: Dict[str, Any], slots: Mapping[str, Any]
) -> List[Tuple[str, Any]]:
    """The slots to set after ``latest_message``, in order, as ``(name, value)``.

    Args:
        latest_message: The tracker's latest message (its parse data).
        slots: The conversation's current slot values.

    Returns:
        Only the slots that change; the notice slot when the conversation
        just switched to Bangla by itself for the first time (the next
        answering action says it; a later switch back to Bangla, the Bangla
        disclaimer given, has none);
        the disclaimer slot once the conversation leaves Bangla or asks for a
        language after it was answered in Bangla (so the Bangla disclaimer was
        given); an explicit choice, or leaving Bangla, drops a notice not yet
        said (the urgent reply does not say it: "answers are now in Bangla"
        must not come before an English answer).
    """
    code, clear = detected_language(latest_message)
    current = slots.get(LANGUAGE_SLOT)
    pinned = bool(slots.get(PINNED_SLOT))
    requested = requested_language(latest_message)
    choice = next_language(current, pinned, code, clear, requested)
    changes: List[Tuple[str, Any]] = []
    if choice.language != current:
        changes.append((LANGUAGE_SLOT, choice.language))
    if choice.pinned != pinned:
        changes.append((PINNED_SLOT, choice.pinned))
    if choice.switched_to_bangla_automatically and not slots.get(DISCLAIMER_SLOT):
        # Once: back in Bangla after an English message, the answer simply
        # comes in Bangla (the notice repeats the disclaimer given before).
        changes.append((NOTICE_SLOT, True))
    notice_due = bool(slots.get(NOTICE_SLOT))
    # Answered in Bangla with the notice said (or after choosing Bangla): it was given.
    was_answered_in_bangla = current == "bn" and not notice_due
    leaving_or_choosing = requested is not None or choice.language != "bn"
    if was_answered_in_bangla and leaving_or_choosing and not slots.get(DISCLAIMER_SLOT):
        changes.append((DISCLAIMER_SLOT, True))
    if notice_due and (requested is not None or choice.language != "bn"):
        changes.append((NOTICE_SLOT, False))
    return changes
