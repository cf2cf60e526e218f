"""Rules that decide a message's intent whatever a model predicted."""

from __future__ import annotations

from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message


def override_intent(message: Message, name: str) -> None:
    """Make ``name`` the message's intent, with confidence 1.0, first in the ranking.

    The rest of the ranking is kept, for review and for the clarifying turn.
    """
    decided = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [
        entry
        for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get(INTENT_NAME_KEY) != name
    ]
    message.set(INTENT, decided, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(decided)] + ranking, add_to_output=True)
