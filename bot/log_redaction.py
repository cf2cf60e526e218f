"""What may reach a log line: no phone numbers, no patient text.

Plain functions used by :mod:`bot.logging_setup`:

- :func:`conversation_reference` turns a conversation id (a phone number on
  WhatsApp) into a short keyed hash that the same conversation has in every
  process, and that cannot be turned back into the number without the key;
- :func:`withhold_text` removes what Rasa and Sanic put into their messages
  from a patient's message: quoted strings, dicts and lists;
- :func:`redact_structured` does the same for a structlog event (Rasa 3.6
  logs its events, with the message text and the trackers, through structlog);
- :func:`safe_traceback` renders an exception without local variables, and
  without its message when the exception comes from a library.

Phone and ID numbers are masked everywhere (:func:`scrub`, with
:func:`bot.privacy.mask_sensitive`), and ``token=`` values in URLs withheld.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import traceback
from types import TracebackType
from typing import Any, Dict, Optional, Tuple, Type

from bot.privacy import mask_sensitive

WITHHELD = "<withheld>"
# Keys whose values carry patient text or data in Rasa's structlog events:
# Rasa's own list of values to anonymise (rasa/utils/log_utils.py), plus the
# local variables and message of a structured exception, and a few more.
TEXT_KEYS = frozenset(
    {
        "text", "response_text", "user_text", "slot_values", "parse_data_text",
        "parse_data_entities", "prediction_events", "tracker_latest_message",
        "prefilled_slots", "message", "response", "slot_candidates", "rasa_event",
        "rasa_events", "tracker_states", "current_states", "old_states", "successes",
        "current_entity", "next_entity", "states", "entity", "token_text",
        "user_message", "json_message", "metadata", "events", "tracker", "body",
        "locals", "exc_value", "entities",
    }
)  # fmt: skip
# Keys holding a conversation id (a phone number on WhatsApp): logged as a reference.
CONVERSATION_KEYS = frozenset({"sender_id", "conversation_id", "sender"})
# Quoted strings ('...', "..."), and dicts, lists, tuples and sets as Python
# or JSON print them: where library messages put user-supplied values.
# An apostrophe inside a word ("can't") opens no quote.
_SINGLE_QUOTED = r"(?<![A-Za-z0-9])'(?:[^'\\\n]|\\.|'(?=[A-Za-z]))*'(?![A-Za-z0-9])"
_DOUBLE_QUOTED = r'"(?:[^"\\\n]|\\.)*"'
_QUOTED_RE = re.compile(f"{_SINGLE_QUOTED}|{_DOUBLE_QUOTED}")
# Secrets in URLs as access logs print them (Rasa's API takes ?token=...).
_URL_SECRET_RE = re.compile(r"(?i)\b((?:access_|auth_)?token|signature|key)=[^&\s'\"]+")
_BRACKETED_RE = re.compile(r"\{[^{}]*\}|\[[^\[\]]*\]|\((?=[^()]*[,'\"])[^()]*\)")
# What stays in library messages: names from code (snake_case or dotted, as
# actions, intents, slots and modules are named), and numbers below 10 digits
# (process ids, counts). Patients do not write like this.
_CODE_NAME_RE = re.compile(r"(?=[^ ]*[_.])[A-Za-z][A-Za-z0-9]*(?:[_./][A-Za-z0-9]+)+|[0-9]{1,9}")
_KEY_ENV = "RASA_AUTH_TOKEN"
_process_key = secrets.token_bytes(32)


def _reference_key() -> bytes:
    """The key of conversation references: RASA_AUTH_TOKEN, which all three processes share.

    Without it (a script, a unit test) a random per-process key is used: still
    irreversible, but references then differ between processes.
    """
    token = os.environ.get(_KEY_ENV, "").strip()
    return token.encode("utf-8") if token else _process_key


def conversation_reference(conversation_id: Optional[str]) -> str:
    """A short, stable, irreversible reference to a conversation, for log lines.

    A keyed hash (HMAC-SHA256, 8 hex characters): a plain hash of a phone
    number could be reversed by hashing every possible number.
    """
    if not conversation_id:
        return "none"
    digest = hmac.new(_reference_key(), conversation_id.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:8]


def scrub(text: str) -> str:
    """Numbers masked and URL secrets (``?token=...``) withheld: for every logged string."""
    return mask_sensitive(_URL_SECRET_RE.sub(lambda match: f"{match.group(1)}={WITHHELD}", text))


def withhold_text(message: str) -> str:
    """A library's log message without the values it quoted, numbers masked.

    Structured (JSON) messages keep their keys; the values of :data:`TEXT_KEYS`
    are withheld and other strings masked.
    """
    structured = _json_object(message)
    if structured is not None:
        return json.dumps(redact_structured(structured), ensure_ascii=False, default=str)
    text = _QUOTED_RE.sub(_withhold_unless_name, message)
    previous = None
    while previous != text:  # nested brackets, innermost first
        previous = text
        text = _BRACKETED_RE.sub(_withhold_unless_name, text)
    return scrub(text)


def _withhold_unless_name(match: re.Match[str]) -> str:
    """Keep a quoted code name (``'action_handoff'``, ``'bot.storage'``) or a short number."""
    inner = match.group(0)[1:-1]
    return match.group(0) if _CODE_NAME_RE.fullmatch(inner) else WITHHELD


def redact_structured(value: Any, key: Optional[str] = None) -> Any:
    """A structured log value with patient text withheld and numbers masked."""
    if key is not None and key in TEXT_KEYS:
        return WITHHELD
    if key in CONVERSATION_KEYS and isinstance(value, str):
        return conversation_reference(value)
    if isinstance(value, dict):
        return {name: redact_structured(item, str(name)) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_structured(item) for item in value]
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    return scrub(str(value))


ExcInfo = Tuple[Optional[Type[BaseException]], Optional[BaseException], Optional[TracebackType]]


def safe_traceback(exc_info: ExcInfo, keep_message: bool) -> str:
    """An exception's traceback: file, line and code of each frame, never local variables.

    Args:
        exc_info: ``(type, value, traceback)`` as ``sys.exc_info()`` gives it.
        keep_message: Keep the exception's message (masked); libraries' messages
            may quote the patient's input, so theirs are withheld.
    """
    exc_type, exc_value, tb = exc_info
    if exc_type is None:
        return ""
    frames = "".join(traceback.format_tb(tb)) if tb is not None else ""
    name = getattr(exc_type, "__qualname__", str(exc_type))
    if keep_message and exc_value is not None:
        last = f"{name}: {scrub(str(exc_value))}"
    else:
        last = f"{name}: {WITHHELD}"
    return f"Traceback (most recent call last):\n{frames}{last}"


def _json_object(message: str) -> Optional[Dict[str, Any]]:
    stripped = message.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
