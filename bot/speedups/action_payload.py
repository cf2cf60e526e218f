"""Send the action server the conversation's events without what no action reads.

Rasa 3.6 sends the action server the whole session with every action call:
each patient message with its full ``parse_data`` (intent ranking, FAQ
ranking, topic evidence: about 2 KB each) and each of the assistant's
messages with its text and buttons (an FAQ answer is 1-2 KB). The call grows
with the conversation: at message 100 Rasa encodes, and the action server
decodes, about 300 KB for every action (``make bench``, 2026-12-04).

Our actions read the latest message in full (the tracker state's
``latest_message``, sent as before), the slots, and from earlier events only
slot events and the name of the response each assistant message came from
(``actions/more.py``, ``actions/session.py``). So earlier ``user`` events are
sent without ``parse_data``, and ``bot`` events without their ``text`` and
``data`` (their ``metadata``, which names the response, stays). An action
that needs more of an earlier event must read it elsewhere, or this module
must go.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

RASA_ACTION_CALL_FORMAT = RemoteAction._action_call_format


# What is left out of each kind of event.
UNREAD_BOT_FIELDS = frozenset({"text", "data"})
UNREAD_EARLIER_USER_FIELDS = frozenset({"parse_data"})


def without_unread_fields(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events, without ``parse_data`` of earlier user events and bot messages' content.

    The latest user event is sent whole. The event dicts themselves are not
    changed (Rasa may cache them).
    """
    last_user = max(
        (i for i, event in enumerate(events) if event.get("event") == "user"), default=-1
    )
    trimmed = []
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind == "user" and index != last_user:
            unread = UNREAD_EARLIER_USER_FIELDS
        elif kind == "bot":
            unread = UNREAD_BOT_FIELDS
        else:
            trimmed.append(event)
            continue
        trimmed.append({key: value for key, value in event.items() if key not in unread})
    return trimmed


def action_call_format(
    self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> Dict[str, Any]:
    """Rasa's request body for the action server, without the fields no action reads."""
    payload = RASA_ACTION_CALL_FORMAT(self, tracker, domain)
    state = payload.get("tracker") or {}
    if isinstance(state.get("events"), list):
        payload["tracker"] = {**state, "events": without_unread_fields(state["events"])}
    return payload


def install() -> None:
    """Replace Rasa's method (idempotent)."""
    RemoteAction._action_call_format = action_call_format
