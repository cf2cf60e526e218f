"""Red flags still get the urgent-care message while staff have the conversation.

While a conversation is handed off, Rasa is paused: it records and
understands the patient's messages but predicts no action. A patient who then
describes red-flag symptoms must still be told at once to seek urgent care,
so the channels call :func:`answer_red_flags_while_paused` after every
message; it runs ``action_urgent_care`` (which also marks the handoff urgent)
when the paused conversation's latest message was understood as urgent.

Our Rasa server does this inside the turn itself, on the tracker it already
read (``bot.speedups.paused_urgent``): for its agent the guard returns at
once, without reading the tracker again.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.trackers import DialogueStateTracker

from bot.intents import URGENT_INTENT
from bot.log_redaction import conversation_reference

logger = logging.getLogger(__name__)

URGENT_ACTION = "action_urgent_care"


def needs_urgent_reply(tracker: Optional[DialogueStateTracker]) -> bool:
    """Whether a paused conversation's latest message described red flags."""
    if tracker is None or not tracker.is_paused() or tracker.latest_message is None:
        return False
    return tracker.latest_message.intent.get("name") == URGENT_INTENT


async def answer_red_flags_while_paused(
    agent: Any, sender_id: str, output_channel: OutputChannel
) -> bool:
    """Send the urgent-care message if the paused conversation needs it.

    Args:
        agent: Rasa's ``Agent`` (``app.ctx.agent`` in the Rasa server).
        sender_id: The conversation.
        output_channel: Where the patient reads replies.

    Returns:
        Whether the urgent action ran.
    """
    if agent is None or agent.tracker_store is None:
        return False
    from bot.speedups.paused_urgent import answers_urgent_while_paused

    if answers_urgent_while_paused(agent):
        return False  # Rasa's turn already answered it (and read the tracker once)
    # Almost every message is in a conversation that is not paused: check
    # without taking the conversation's lock, and only then check again under it.
    if not needs_urgent_reply(await agent.tracker_store.retrieve(sender_id)):
        return False
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
        if not needs_urgent_reply(tracker):
            return False
        logger.warning(
            "conversation.urgent_while_paused",
            extra={"conversation": conversation_reference(sender_id)},
        )
        await agent.execute_action(sender_id, URGENT_ACTION, output_channel, None, 1.0)
    return True
