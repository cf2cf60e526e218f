"""Send the action server the conversation's events without what no action reads.

Rasa 3.6 sends the action server the whole session with every action call:
each patient message with its full ``parse_data`` (intent ranking, FAQ
ranking, topic evidence: about 2 KB each), each of the assistant's messages
with its text and buttons (an FAQ answer is 1-2 KB), and every action Rasa
ran. The call grows with the conversation: at message 100 Rasa encodes, and
the action server decodes, about 300 KB for every action (``make bench``,
2026-12-04); after the fields below were left out, encoding what was left
was still 9% of the Rasa server's busy time late in a 150-message
conversation (py-spy, 2026-12-04).

Our actions read the latest message in full (the tracker state's
``latest_message``, sent as before), the slots (the tracker state's
``slots``), the latest turns (the input channel of the latest message;
rasa-sdk's form helpers read the events after the last action; the page
operation in the latest message's metadata, ``bot/conversation_operation.py``),
and from earlier events only the text of the patient's messages (the
operation one named, ``bot/conversation_operation.py``) and the name of the
response each assistant message came from (``actions/more.py``, the
operation of the last answer sent, and the urgent advice,
``bot/urgent_follow_up.py``); the
session start also reads every slot event of the session
(``actions/session.py``). So:

* the events of the last ``RECENT_TURNS`` patient messages are sent as Rasa
  sends them, except as below;
* before those, ``action`` and ``slot`` events are left out; every other
  event (the patient's messages, the assistant's messages, sessions,
  restarts, rewinds, loops, pauses) is sent;
* earlier ``user`` events are sent without ``parse_data``, and ``bot``
  events without their ``text`` and ``data`` (their ``metadata``, which
  names the response, stays).

The patient's earlier messages are sent for their text: the operation a
conversation is about may have been named only there ("Is DFO surgery
painful?", then three questions the pages do not answer, then "what are
the risks?"), and without them "the risks" were read as the hip's. A
message is at most 1,000 characters (``bot.nlu.input_guard``), a typical
one under 100 bytes.

``action_session_start`` gets every event, trimmed as in the last point: it
carries the slot events of the whole last session over. An action that needs more
of an earlier event must read it elsewhere, or this module must change.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

RASA_ACTION_CALL_FORMAT = RemoteAction._action_call_format

# What is left out of each kind of event (by ``Event.type_name``).
UNREAD_FIELDS: Dict[str, Tuple[str, ...]] = {"bot": ("text", "data")}
UNREAD_EARLIER_USER_FIELDS: Tuple[str, ...] = ("parse_data",)
# Patient messages whose turns are sent whole (the latest one included).
RECENT_TURNS = 3
# Event types left out before the recent turns.
UNREAD_EARLIER_EVENTS = frozenset({"action", "slot"})
# Actions that read the whole session's events.
READS_WHOLE_SESSION = frozenset({"action_session_start"})


def recent_turns_start(events: Sequence[Event], turns: int = RECENT_TURNS) -> int:
    """Index of the first event of the last ``turns`` patient messages' turns.

    The turn of a patient message starts with the ``action_listen`` just
    before it. With fewer messages than ``turns``, 0: everything is recent.
    """
    seen = 0
    for index in range(len(events) - 1, -1, -1):
        if events[index].type_name == "user":
            seen += 1
            if seen == turns:
                before = events[index - 1] if index else None
                listened = (
                    before is not None
                    and before.type_name == "action"
                    and getattr(before, "action_name", None) == "action_listen"
                )
                return index - 1 if listened else index
    return 0


def sent_events(events: Sequence[Event], whole_session: bool = False) -> List[Dict[str, Any]]:
    """The events as the action server gets them (see the module's docstring).

    Only the events sent are converted to dicts; the events themselves are
    not changed.
    """
    start = 0 if whole_session else recent_turns_start(events)
    last_user = max(
        (index for index, event in enumerate(events) if event.type_name == "user"), default=-1
    )
    sent = []
    for index, event in enumerate(events):
        kind = event.type_name
        if index < start and kind in UNREAD_EARLIER_EVENTS:
            continue
        data = event.as_dict()
        unread = UNREAD_FIELDS.get(kind, ())
        if kind == "user" and index != last_user:
            unread = UNREAD_EARLIER_USER_FIELDS
        for field in unread:
            data.pop(field, None)
        sent.append(data)
    return sent


def action_call_format(
    self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> Dict[str, Any]:
    """Rasa's request body for the action server, without the events and fields no action reads.

    The same body as ``RemoteAction._action_call_format`` builds, but for
    the tracker's ``events``.
    """
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = sent_events(list(tracker.events), self.name() in READS_WHOLE_SESSION)
    result = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": state,
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(
        self.name()
    ):
        result["domain"] = domain.as_dict()
    return result


def install() -> None:
    """Replace Rasa's method (idempotent)."""
    RemoteAction._action_call_format = action_call_format
