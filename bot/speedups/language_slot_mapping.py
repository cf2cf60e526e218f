"""Fill the reply-language slots inside the Rasa server, without an action-server call.

The ``language`` slots have a custom mapping whose action,
``action_detect_language``, Rasa 3.6 runs after every message
(``ActionExtractSlots``): an HTTP round trip to the action server carrying
the whole tracker and domain, whose only input is the NLU output and three
slots. This override answers that one action name in the Rasa process, with
the same rules as the action (:func:`bot.language_slots.language_slot_changes`)
and the same input (the latest message as the action server would receive
it), returning the same ``SlotSet`` events. Every other custom mapping
action, and ``action_validate_slot_mappings``, still goes to the action server.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List

from rasa.core.actions.action import ActionExtractSlots
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language_slots import ACTION_NAME, language_slot_changes

RASA_RUN_CUSTOM_ACTION = ActionExtractSlots._run_custom_action


def language_slot_events(tracker: DialogueStateTracker) -> List[Event]:
    """What ``action_detect_language`` returns for this tracker, as Rasa events."""
    # The latest message and slots exactly as the action server gets them.
    state = tracker.current_state()
    changes = language_slot_changes(state["latest_message"] or {}, state["slots"])
    return [SlotSet(name, value) for name, value in changes]


# Custom slot-mapping actions answered in the Rasa process, by name.
IN_PROCESS_ACTIONS: Dict[str, Callable[[DialogueStateTracker], List[Event]]] = {
    ACTION_NAME: language_slot_events,
}


async def run_custom_action(
    self: ActionExtractSlots,
    custom_action: str,
    output_channel: Any,
    nlg: Any,
    tracker: DialogueStateTracker,
    domain: Any,
) -> List[Event]:
    """``ActionExtractSlots._run_custom_action``, in-process for the actions above."""
    in_process = IN_PROCESS_ACTIONS.get(custom_action)
    if in_process is not None:
        return in_process(tracker)
    return await RASA_RUN_CUSTOM_ACTION(self, custom_action, output_channel, nlg, tracker, domain)


def install() -> None:
    """Replace Rasa's method (idempotent)."""
    ActionExtractSlots._run_custom_action = run_custom_action
