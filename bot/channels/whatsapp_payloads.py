"""WhatsApp messages as plain data: reading Meta's webhooks, building replies.

Pure functions only (no I/O), shared by the WhatsApp Cloud API channel
(``bot.channels.whatsapp``), the Twilio channel (``bot.channels.twilio_whatsapp``)
and the staff console (the 24-hour customer-service window).

Limits are WhatsApp's: a text message holds 4,096 characters; an interactive
message's body 1,024; up to 3 reply buttons (title 20, id 256) or a list of up
to 10 rows (title 24, description 72, id 200, list button label 20).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

TEXT_LIMIT = 4096
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

# Sent, without asking the assistant, for pictures, voice notes, locations...
TEXT_ONLY_REPLY = (
    "Sorry, I can only read text messages. Please type your question, "
    "or ask to talk to the clinic's staff.\n\n"
    "দুঃখিত, আমি শুধু লেখা বার্তা পড়তে পারি। অনুগ্রহ করে আপনার প্রশ্নটি লিখে পাঠান, "
    "অথবা ক্লিনিকের কর্মীদের সঙ্গে কথা বলতে চাইলে তা লিখুন।"
)

# Opens a staff member's reply: "*Ayesha* (clinic staff / ক্লিনিকের কর্মী):".
STAFF_LABEL = "clinic staff / ক্লিনিকের কর্মী"
STAFF_NAME_LIMIT = 40
# WhatsApp's formatting characters, removed from names so the bold label holds.
_FORMATTING = str.maketrans("", "", "*_~`")

# What Meta's webhook reports that needs an answer.
TEXT = "text"
UNSUPPORTED = "unsupported"
# Message types that need no answer at all: a reaction to one of our messages,
# "customer changed their number" notices, the "chat opened" event.
SILENT_TYPES = frozenset({"reaction", "system", "request_welcome", "ephemeral"})

CUSTOMER_SERVICE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Inbound:
    """One patient message from a webhook that needs handling.

    ``kind`` is :data:`TEXT` (goes to the assistant as ``text``) or
    :data:`UNSUPPORTED` (a picture, voice note...: gets :data:`TEXT_ONLY_REPLY`).
    ``wa_id`` is the patient's WhatsApp number: never log it.
    """

    kind: str
    message_id: str
    wa_id: str
    message_type: str
    text: str = ""
    display_text: Optional[str] = None
    timestamp: Optional[int] = None

    def rasa_metadata(self) -> Dict[str, Any]:
        """Metadata stored with the message in the tracker (no phone number)."""
        metadata: Dict[str, Any] = {"message_type": self.message_type}
        if self.display_text:
            metadata["display_text"] = self.display_text[:200]
        if self.timestamp is not None:
            metadata["sent_at"] = self.timestamp
        return metadata


@dataclass(frozen=True)
class Choice:
    """A Rasa button: what tapping it sends (``payload``) and its ``title``."""

    payload: str
    title: str

    def reply_id(self, limit: int) -> str:
        """The id WhatsApp sends back when tapped: the payload if it fits.

        A payload too long for an id is replaced by the title, which is then
        what the assistant receives (see :func:`reply_text`).
        """
        if self.payload and len(self.payload) <= limit:
            return self.payload
        return self.title[:limit]


# ---------------------------------------------------------------- webhooks in


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


def reply_text(reply_id: str, title: str) -> str:
    """What a tapped button sends to the assistant.

    Our buttons carry the Rasa payload (``/intent{...}``) as their id; any
    other id came from elsewhere (a template), so the visible title is used.
    """
    if reply_id.startswith("/"):
        return reply_id
    return title or reply_id


def parse_message(message: Any) -> Optional[Inbound]:
    """Read one entry of a webhook's ``messages``; None when it needs no answer."""
    if not isinstance(message, dict):
        return None
    message_id, wa_id = _text(message.get("id")), _text(message.get("from"))
    message_type = _text(message.get("type")) or "unknown"
    if not message_id or not wa_id or message_type in SILENT_TYPES:
        return None
    common = {
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


_SEPARATORS = ("\n\n", "\n", ". ", "। ", "? ", "! ", " ")


def _cut_point(text: str, limit: int) -> int:
    """Where to cut ``text`` (longer than ``limit``) so the first part fits."""
    for separator in _SEPARATORS:
        index = text.rfind(separator, 0, limit)
        if index > 0:
            return index + len(separator)
    return limit


def split_text(text: str, limit: int = TEXT_LIMIT) -> List[str]:
    """Split ``text`` into parts of at most ``limit`` characters.

    Paragraphs stay together in one message while they fit; a cut falls
    between paragraphs, else lines, else sentences, else words.
    """
    remaining = text.strip()
    parts: List[str] = []
    while len(remaining) > limit:
        cut = _cut_point(remaining, limit)
        part = remaining[:cut].rstrip()
        if part:
            parts.append(part)
        remaining = remaining[cut:].lstrip()
    if remaining:
        parts.append(remaining)
    return parts


def split_last(text: str, limit: int) -> Tuple[str, str]:
    """``(head, tail)`` of ``text`` where ``tail`` fits in ``limit`` and ends it."""
    parts = split_text(text, limit)
    if not parts:
        return "", ""
    stripped = text.strip()
    tail = parts[-1]
    return stripped[: len(stripped) - len(tail)].rstrip(), tail


def choices_from_buttons(buttons: Optional[Iterable[Any]]) -> List[Choice]:
    """Rasa buttons (``title``, ``payload``) as choices; repeated payloads are dropped."""
    choices: List[Choice] = []
    seen = set()
    for button in buttons or []:
        if not isinstance(button, dict):
            continue
        title = " ".join(str(button.get("title") or "").split())
        payload = str(button.get("payload") or "").strip()
        title = title or payload
        if not title or (payload or title) in seen:
            continue
        seen.add(payload or title)
        choices.append(Choice(payload=payload, title=title))
    return choices


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


def with_staff_label(text: str, staff_name: Any) -> str:
    """A staff member's reply opened with their name (WhatsApp bold).

    The console stores staff replies with ``staff_name`` in their metadata;
    the label tells the patient a person, not the assistant, is writing.
    Anything else is returned unchanged.
    """
    if not isinstance(staff_name, str):
        return text
    name = " ".join(staff_name.translate(_FORMATTING).split())[:STAFF_NAME_LIMIT]
    if not name:
        return text
    return f"*{name}* ({STAFF_LABEL}):\n{text}"


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


# ------------------------------------------------ customer-service window


def _as_utc(moment: datetime) -> datetime:
    """Aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def window_closes_at(last_inbound_at: datetime) -> datetime:
    """When WhatsApp stops allowing free-form messages: 24 h after the patient's last one.

    Naive datetimes are taken as UTC; the result is aware (UTC).
    """
    return _as_utc(last_inbound_at) + CUSTOMER_SERVICE_WINDOW


def customer_service_window_open(last_inbound_at: datetime, now: datetime) -> bool:
    """Whether free-form replies (staff text, buttons) may still be sent.

    Outside the window WhatsApp accepts only approved template messages.
    """
    return _as_utc(now) < window_closes_at(last_inbound_at)


def sent_at(timestamp: Optional[int]) -> Optional[datetime]:
    """A webhook's Unix ``timestamp`` as an aware UTC datetime."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)
