"""Conversation ids in console URLs: encoded once in links, decoded once on arrival.

A conversation id is Rasa's sender id, and it can hold any character: Twilio's
``whatsapp:+8801712345678``, an old REST client's ``a/b?c#d`` or Bangla. Links
put it in a single path segment with every reserved character percent-encoded
(``/`` too, so the id stays one segment). Sanic matches the route on the raw
path and does not decode the parameter, so ``decode_conversation_id`` turns the
segment back into the id before any handler sees it (web.py's middleware).
"""

from __future__ import annotations

from urllib.parse import quote, unquote

CONVERSATIONS_PREFIX = "/staff/conversations"


class BadConversationLinkError(ValueError):
    """A conversation segment that is not percent-encoded UTF-8."""


def conversation_path(conversation_id: str, action: str = "") -> str:
    """The console path of a conversation (or of one of its actions, e.g. ``reviewed``)."""
    path = f"{CONVERSATIONS_PREFIX}/{quote(conversation_id, safe='')}"
    return f"{path}/{action}" if action else path


def decode_conversation_id(segment: str) -> str:
    """The conversation id a path segment made by ``conversation_path`` stands for.

    Raises:
        BadConversationLinkError: the escapes do not spell UTF-8 text.
    """
    try:
        return unquote(segment, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise BadConversationLinkError("This conversation link is damaged.") from error
