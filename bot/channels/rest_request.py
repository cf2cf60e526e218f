"""Checks of a request to the REST channel, as plain functions.

Rasa's own REST channel reads whatever JSON arrives: an empty body or a JSON
array is a 500, a ``message`` that is not text fails deep inside Rasa (which
logs it), a missing ``sender`` lands in a shared ``default`` conversation, and
any sender id is accepted, including a widget session's or a WhatsApp number,
so a REST call could write into a patient's conversation. Here every request
is checked before the assistant sees it, and every refusal is an HTTP status
with a short error code (``{"error": "sender_missing"}``).
"""

from __future__ import annotations

import hmac
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Union

from bot.channels.safe_text import replace_unencodable, replace_unencodable_in
from bot.nlu.input_guard import MAX_SCAN_CHARS

# The longest message the assistant reads at all (the red-flag scan's bound);
# longer than the widget's 1,000 characters is still answered ("too long").
MAX_MESSAGE_CHARS = MAX_SCAN_CHARS
MAX_SENDER_CHARS = 128
MAX_METADATA_BYTES = 4096
# A Bangla message of MAX_MESSAGE_CHARS as JSON escapes (6 bytes a character).
MAX_BODY_BYTES = 6 * MAX_MESSAGE_CHARS + 64 * 1024
_SENDER = re.compile(r"[A-Za-z0-9._-]+")
# Conversation ids other channels create: a widget session (bot.session_tokens),
# a WhatsApp Cloud wa_id (digits) and a Twilio address (whatsapp:+...).
_WIDGET_SESSION = re.compile(r"[0-9a-f]{32}", re.IGNORECASE)
_PHONE_NUMBER = re.compile(r"\+?[0-9]+")
_TWILIO_PREFIX = "whatsapp:"


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: the HTTP status and the error code sent back."""

    status: int
    error: str

    def body(self) -> Dict[str, str]:
        """The JSON body of the refusal."""
        return {"error": self.error}


@dataclass(frozen=True)
class RestMessage:
    """A valid REST message, ready for the assistant."""

    sender: str
    text: str
    metadata: Dict[str, Any] = field(default_factory=dict)


def access_refusal(
    expected_token: str, production: bool, given_token: Optional[str]
) -> Optional[Refusal]:
    """None if the caller may use the channel, else the refusal.

    With a token configured every call must carry it (constant-time compare).
    Without one the channel is open outside production and off in production.
    """
    if not expected_token:
        return Refusal(403, "rest_channel_disabled") if production else None
    if not given_token:
        return Refusal(401, "token_missing")
    if not hmac.compare_digest(given_token.encode("utf-8"), expected_token.encode("utf-8")):
        return Refusal(403, "token_invalid")
    return None


def token_from(authorization: Optional[str], query_token: Optional[str]) -> Optional[str]:
    """The token of an ``Authorization: Bearer`` header, else of ``?token=``."""
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    return query_token or None


def is_reserved_sender(sender: str) -> bool:
    """Whether ``sender`` has the form of another channel's conversation id."""
    return bool(
        _WIDGET_SESSION.fullmatch(sender)
        or _PHONE_NUMBER.fullmatch(sender)
        or sender.lower().startswith(_TWILIO_PREFIX)
    )


def sender_refusal(sender: Any) -> Optional[Refusal]:
    """None for a usable sender id, else why it is refused.

    A sender is required, at most ``MAX_SENDER_CHARS`` long, made of ASCII
    letters, digits, ``.``, ``_`` and ``-``, and must not look like a widget
    session or a WhatsApp number (403: REST must not write into those).
    """
    if sender is None or sender == "":
        return Refusal(400, "sender_missing")
    if not isinstance(sender, str):
        return Refusal(400, "sender_invalid")
    if len(sender) > MAX_SENDER_CHARS:
        return Refusal(400, "sender_too_long")
    if is_reserved_sender(sender):
        return Refusal(403, "sender_reserved")
    if not _SENDER.fullmatch(sender):
        return Refusal(400, "sender_invalid")
    return None


def message_refusal(message: Any) -> Optional[Refusal]:
    """None for a usable message text, else why it is refused."""
    if message is None:
        return Refusal(400, "message_missing")
    if not isinstance(message, str):
        return Refusal(400, "message_not_text")
    if len(message) > MAX_MESSAGE_CHARS:
        return Refusal(400, "message_too_long")
    return None


def metadata_refusal(metadata: Any) -> Optional[Refusal]:
    """None for absent metadata or a small JSON object, else why it is refused."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        return Refusal(400, "metadata_invalid")
    size = len(json.dumps(metadata, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return Refusal(400, "metadata_too_large") if size > MAX_METADATA_BYTES else None


def parse_rest_body(body: Optional[bytes]) -> Union[RestMessage, Refusal]:
    """Read a REST request body: ``{"sender": ..., "message": ..., "metadata": {...}}``.

    Returns:
        The message (its text and metadata with unencodable characters
        replaced, see :mod:`bot.channels.safe_text`), or the refusal.
        A client's ``input_channel`` is ignored: messages are always ``rest``.
    """
    if not body or not body.strip():
        return Refusal(400, "body_missing")
    if len(body) > MAX_BODY_BYTES:
        return Refusal(413, "body_too_large")
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return Refusal(400, "invalid_json")
    if not isinstance(document, dict):
        return Refusal(400, "body_not_object")
    refusal = (
        sender_refusal(document.get("sender"))
        or message_refusal(document.get("message"))
        or metadata_refusal(document.get("metadata"))
    )
    if refusal is not None:
        return refusal
    return RestMessage(
        sender=document["sender"],
        text=replace_unencodable(document["message"]),
        metadata=replace_unencodable_in(document.get("metadata") or {}),
    )
