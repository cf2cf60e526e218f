"""Send the action server each earlier message's text, not its whole NLU result.

Rasa 3.6 sends the action server the whole session with every action call,
each patient message with its full ``parse_data`` (intent ranking, FAQ
ranking, topic evidence: about 2 KB each). The call grows with the
conversation, and in a 100-message conversation encoding it (and decoding it
in the action server) was most of why the last turns took 1.7 times as long
as the first (``make bench``, 2026-12-04).

Our actions read the latest message's NLU result (the tracker state's
``latest_message``, sent in full as before) and, from earlier events, only
the assistant's messages and slots (``actions/more.py``,
``actions/session.py``): earlier ``user`` events keep everything but
``parse_data``. An action that needs an earlier message's intent would have to
read it from ``latest_message`` of its own turn, or this module must go.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

RASA_ACTION_CALL_FORMAT = RemoteAction._action_call_format


def without_earlier_parse_data(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events, with ``parse_data`` left out of every user event but the last.

    The event dicts themselves are not changed (Rasa may cache them).
    """
    last_user = max(
        (i for i, event in enumerate(events) if event.get("event") == "user"), default=-1
    )
    return [
        {key: value for key, value in event.items() if key != "parse_data"}
        if event.get("event") == "user" and index != last_user
        else event
        for index, event in enumerate(events)
    ]


def action_call_format(
    self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> Dict[str, Any]:
    """Rasa's request body for the action server, with earlier NLU results left out."""
    payload = RASA_ACTION_CALL_FORMAT(self, tracker, domain)
    state = payload.get("tracker") or {}
    if isinstance(state.get("events"), list):
        payload["tracker"] = {**state, "events": without_earlier_parse_data(state["events"])}
    return payload


def install() -> None:
    """Replace Rasa's method (idempotent)."""
    RemoteAction._action_call_format = action_call_format
