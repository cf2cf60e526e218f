"""Meta's WhatsApp Cloud API formats as plain data: reading webhooks, building messages.

Pure functions only (no I/O), for the Meta channel (``bot.channels.whatsapp.meta``).
What is not Meta's own (message types, splitting text, the staff label) is in
``bot.channels.whatsapp.base``.

Limits are WhatsApp's: a text message holds 4,096 characters; an interactive
message's body 1,024; up to 3 reply buttons (title 20, id 256) or a list of up
to 10 rows (title 24, description 72, id 200, list button label 20).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, TypedDict

from bot.channels.whatsapp.base import (
    TEXT,
    UNSUPPORTED,
    Choice,
    Inbound,
    choices_from_buttons,
    reply_text,
    split_text,
)

BODY_LIMIT = 1024
MAX_REPLY_BUTTONS = 3
MAX_LIST_ROWS = 10
BUTTON_TITLE_LIMIT = 20
BUTTON_ID_LIMIT = 256
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
ROW_ID_LIMIT = 200
LIST_BUTTON_LIMIT = 20
ELLIPSIS = "…"

# The label of the button that opens a list, and the title of its one section.
LIST_BUTTON_LABEL = "Options / বিকল্প"
# An interactive message needs a body; used when Rasa sends buttons without text.
DEFAULT_BODY = "Please choose: / বেছে নিন:"

# Message types that need no answer at all: a reaction to one of our messages,
# "customer changed their number" notices, the "chat opened" event.
SILENT_TYPES = frozenset({"reaction", "system", "request_welcome", "ephemeral"})


# ---------------------------------------------------------------- webhooks in


class _Common(TypedDict):
    """The fields of :class:`Inbound` that every kind of Cloud API message has."""

    message_id: str
    wa_id: str
    timestamp: Optional[int]


def _dicts(value: Any) -> List[Dict[str, Any]]:
    """The dicts in ``value`` if it is a list; nothing otherwise."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _timestamp(value: Any) -> Optional[int]:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_message(message: Any) -> Optional[Inbound]:
    """Read one entry of a webhook's ``messages``; None when it needs no answer."""
    if not isinstance(message, dict):
        return None
    message_id, wa_id = _text(message.get("id")), _text(message.get("from"))
    message_type = _text(message.get("type")) or "unknown"
    if not message_id or not wa_id or message_type in SILENT_TYPES:
        return None
    common: _Common = {
        "message_id": message_id,
        "wa_id": wa_id,
        "timestamp": _timestamp(message.get("timestamp")),
    }
    if message_type == "text":
        body = _text(_dict(message.get("text")).get("body"))
        return Inbound(kind=TEXT, message_type="text", text=body, **common)
    if message_type == "interactive":
        interactive = _dict(message.get("interactive"))
        reply_type = _text(interactive.get("type"))
        reply = _dict(interactive.get(reply_type))
        if reply_type in ("button_reply", "list_reply") and (reply.get("id") or reply.get("title")):
            reply_id, title = _text(reply.get("id")), _text(reply.get("title"))
            return Inbound(
                kind=TEXT,
                message_type=reply_type,
                text=reply_text(reply_id, title),
                display_text=title or None,
                **common,
            )
    if message_type == "button":
        # A quick-reply button of a template message.
        button = _dict(message.get("button"))
        payload, title = _text(button.get("payload")), _text(button.get("text"))
        if payload or title:
            return Inbound(
                kind=TEXT,
                message_type="button",
                text=reply_text(payload, title),
                display_text=title or None,
                **common,
            )
    return Inbound(kind=UNSUPPORTED, message_type=message_type, **common)


@dataclass
class WebhookContents:
    """What one webhook call carried: messages to handle and counts for the logs."""

    messages: List[Inbound] = field(default_factory=list)
    statuses: int = 0
    failed_status_codes: List[int] = field(default_factory=list)
    other_number: int = 0


def parse_webhook(payload: Any, phone_number_id: str = "") -> WebhookContents:
    """Read a WhatsApp Cloud API webhook payload (already signature-checked).

    Unknown shapes are skipped, never an error: Meta must get its 200.

    Args:
        payload: The decoded JSON body.
        phone_number_id: Our number's id; messages to another number of the
            same app are skipped (we must not answer from the wrong number).
    """
    contents = WebhookContents()
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return contents
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            if change.get("field") != "messages":
                continue
            value = _dict(change.get("value"))
            receiver = str(_dict(value.get("metadata")).get("phone_number_id") or "")
            if phone_number_id and receiver and receiver != phone_number_id:
                contents.other_number += 1
                continue
            for status in _dicts(value.get("statuses")):
                contents.statuses += 1
                if status.get("status") == "failed":
                    for error in _dicts(status.get("errors")):
                        code = _timestamp(error.get("code"))
                        if code is not None:
                            contents.failed_status_codes.append(code)
            messages = value.get("messages")
            for message in messages if isinstance(messages, list) else []:
                inbound = parse_message(message)
                if inbound is not None:
                    contents.messages.append(inbound)
    return contents


# ------------------------------------------------------------- messages out


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def split_last(text: str, limit: int) -> Tuple[str, str]:
    """``(head, tail)`` of ``text`` where ``tail`` fits in ``limit`` and ends it."""
    parts = split_text(text, limit)
    if not parts:
        return "", ""
    stripped = text.strip()
    tail = parts[-1]
    return stripped[: len(stripped) - len(tail)].rstrip(), tail


def _envelope(to: str, message_type: str, content: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": message_type,
        message_type: content,
    }


def text_payload(to: str, body: str, preview_url: bool = False) -> Dict[str, Any]:
    """A text message (``body`` must already fit :data:`TEXT_LIMIT`)."""
    return _envelope(to, "text", {"preview_url": preview_url, "body": body})


def reply_buttons_payload(to: str, body: str, choices: Sequence[Choice]) -> Dict[str, Any]:
    """An interactive message with up to three reply buttons."""
    buttons = [
        {
            "type": "reply",
            "reply": {
                "id": choice.reply_id(BUTTON_ID_LIMIT),
                "title": shorten(choice.title, BUTTON_TITLE_LIMIT),
            },
        }
        for choice in choices[:MAX_REPLY_BUTTONS]
    ]
    return _envelope(
        to,
        "interactive",
        {
            "type": "button",
            "body": {"text": body[:BODY_LIMIT]},
            "action": {"buttons": buttons},
        },
    )


def list_payload(to: str, body: str, choices: Sequence[Choice]) -> Dict[str, Any]:
    """An interactive list of up to ten rows; a shortened title is given in full below it."""
    rows = []
    for choice in choices[:MAX_LIST_ROWS]:
        row = {"id": choice.reply_id(ROW_ID_LIMIT), "title": shorten(choice.title, ROW_TITLE_LIMIT)}
        if row["title"] != choice.title:
            row["description"] = shorten(choice.title, ROW_DESCRIPTION_LIMIT)
        rows.append(row)
    label = shorten(LIST_BUTTON_LABEL, LIST_BUTTON_LIMIT)
    return _envelope(
        to,
        "interactive",
        {
            "type": "list",
            "body": {"text": body[:BODY_LIMIT]},
            "action": {"button": label, "sections": [{"title": label, "rows": rows}]},
        },
    )


def text_payloads(to: str, text: str) -> List[Dict[str, Any]]:
    """Text messages for ``text``, split where it exceeds WhatsApp's limit."""
    return [text_payload(to, part) for part in split_text(text)]


def button_payloads(to: str, text: str, buttons: Optional[Iterable[Any]]) -> List[Dict[str, Any]]:
    """Messages for a text with Rasa buttons.

    Up to 3 buttons: reply buttons; 4 or more: a list (the first 10). Text
    too long for an interactive body goes first as plain text messages.
    """
    choices = choices_from_buttons(buttons)
    if not choices:
        return text_payloads(to, text)
    head, body = split_last(text, BODY_LIMIT)
    messages = text_payloads(to, head) if head else []
    body = body or DEFAULT_BODY
    if len(choices) <= MAX_REPLY_BUTTONS:
        messages.append(reply_buttons_payload(to, body, choices))
    else:
        messages.append(list_payload(to, body, choices))
    return messages


def custom_payload(to: str, custom: Any) -> Optional[Dict[str, Any]]:
    """A ready-made Graph API message from a custom response's ``whatsapp`` key.

    The recipient is always the conversation's patient, whatever it says.
    """
    if not isinstance(custom, dict) or not isinstance(custom.get("whatsapp"), dict):
        return None
    message = dict(custom["whatsapp"])
    message["messaging_product"] = "whatsapp"
    message["to"] = to
    message.setdefault("recipient_type", "individual")
    return message if isinstance(message.get("type"), str) else None
