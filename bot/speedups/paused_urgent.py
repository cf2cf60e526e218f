"""Answer red flags in a paused conversation inside Rasa's own turn.

While staff have a conversation, Rasa is paused: it records and understands
the patient's messages but predicts nothing. The channels used to call
``bot.channels.paused_guard`` after every message, which read the tracker
from the database a second time (and, for a red flag, took the lock and read
it a third time) to run ``action_urgent_care``. This override makes the same
decision (:func:`bot.channels.paused_guard.needs_urgent_reply`) on the
tracker Rasa already holds, under the lock Rasa already took, and runs the
action there; Rasa then saves the tracker once. The guard skips its own read
for an agent whose processor does this (:func:`answers_urgent_while_paused`).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.paused_guard import URGENT_ACTION, needs_urgent_reply
from bot.log_redaction import conversation_reference

logger = logging.getLogger(__name__)

RASA_RUN_PREDICTION_LOOP = MessageProcessor._run_prediction_loop


async def run_prediction_loop(
    self: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker
) -> None:
    """Rasa's prediction loop; for a paused conversation's red flag, the urgent action."""
    if not needs_urgent_reply(tracker):
        await RASA_RUN_PREDICTION_LOOP(self, output_channel, tracker)
        return
    logger.warning(
        "conversation.urgent_while_paused",
        extra={"conversation": conversation_reference(tracker.sender_id)},
    )
    action = self._get_action(URGENT_ACTION)
    prediction = PolicyPrediction.for_action_name(self.domain, URGENT_ACTION, None, 1.0)
    await self._run_action(action, tracker, output_channel, self.nlg, prediction)


def answers_urgent_while_paused(agent: Any) -> bool:
    """Whether ``agent``'s processor runs the urgent action itself (this override)."""
    processor = getattr(agent, "processor", None)
    return isinstance(processor, MessageProcessor) and (
        type(processor)._run_prediction_loop is run_prediction_loop
    )


def install() -> None:
    """Replace Rasa's method (idempotent)."""
    MessageProcessor._run_prediction_loop = run_prediction_loop
