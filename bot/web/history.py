"""A conversation's messages, read from Rasa's ``events`` table for the widget.

The table belongs to Rasa: it is only read, through :mod:`bot.storage.rasa_events`.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

from sqlalchemy.engine import Connection

from bot.storage.rasa_events import recent_messages

MAX_MESSAGES = 200


def _buttons(data: Dict[str, Any]) -> List[Dict[str, str]]:
    payload = data.get("data") or {}
    buttons = payload.get("buttons") or payload.get("quick_replies") or []
    return [
        {"title": str(button.get("title", "")), "payload": str(button.get("payload", ""))}
        for button in buttons
        if isinstance(button, dict) and button.get("title")
    ]


def message_from_event(
    type_name: str, data: Dict[str, Any], timestamp: float
) -> Dict[str, Any] | None:
    """A chat message for the widget, or ``None`` for events it does not show.

    Button payloads such as ``/faq{"faq_topic": ...}`` are shown with the
    title the patient tapped, which the widget sends as ``display_text``.
    """
    text = data.get("text") or ""
    if type_name == "user":
        metadata = data.get("metadata") or {}
        display = metadata.get("display_text") if isinstance(metadata, dict) else None
        if text.startswith("/"):
            text = display if isinstance(display, str) and display else ""
        if not text:
            return None
        message_id = metadata.get("message_id") if isinstance(metadata, dict) else None
        return {"sender": "user", "text": text, "timestamp": timestamp, "message_id": message_id}
    if type_name == "bot":
        buttons = _buttons(data)
        if not text and not buttons:
            return None
        message = {"sender": "bot", "text": text, "buttons": buttons, "timestamp": timestamp}
        metadata = data.get("metadata")
        staff_name = metadata.get("staff_name") if isinstance(metadata, dict) else None
        if isinstance(staff_name, str) and staff_name:
            message["staff_name"] = staff_name  # a person wrote this (bot.console)
        return message
    return None


def conversation_messages(
    connection: Connection, session_id: str, limit: int = MAX_MESSAGES
) -> List[Dict[str, Any]]:
    """The last ``limit`` user and bot messages of a conversation, oldest first."""
    messages = []
    for type_name, timestamp, raw in recent_messages(connection, session_id, limit):
        if raw is None or timestamp is None:  # Rasa always writes both
            continue
        try:
            data = json.loads(raw)
        except (TypeError, ValueError):
            continue
        message = message_from_event(type_name, data, timestamp)
        if message:
            messages.append(message)
    messages.reverse()
    return messages
