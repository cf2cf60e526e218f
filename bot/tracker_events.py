"""Reading Rasa's event dicts around the message being answered.

Plain functions: the dialogue's readers (``bot.conversation_operation``,
``bot.answer_unclear``, ``bot.urgent_follow_up``) and their tests call them
without a server.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List


def before_latest_message(events: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events before the latest ``user`` event, the message being answered.

    All of them when there is no ``user`` event.
    """
    earlier = list(events)
    for index in range(len(earlier) - 1, -1, -1):
        if earlier[index].get("event") == "user":
            return earlier[:index]
    return earlier


def responses_of_last_turn(events: Iterable[Dict[str, Any]]) -> List[str]:
    """The names of the responses the assistant sent since the patient's message before this one.

    Read from the ``bot`` events' ``utter_action``, which the action server
    is sent for the whole session (``bot.speedups.action_payload``).
    """
    names: List[str] = []
    for event in reversed(before_latest_message(events)):
        kind = event.get("event")
        if kind == "user":
            break
        if kind == "bot":
            name = (event.get("metadata") or {}).get("utter_action")
            if name:
                names.append(str(name))
    return list(reversed(names))
