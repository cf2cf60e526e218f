"""What both WhatsApp providers share: message types, text rules, the output base.

Provider-neutral: an inbound patient message (:class:`Inbound`), a Rasa
button (:class:`Choice`), splitting long texts, the staff label, and
:class:`WhatsAppOutput`, the one place that sends a provider's messages,
records the results and raises
:class:`~bot.channels.whatsapp.delivery.DeliveryError` when the caller must
know. Meta's formats are in ``meta_messages``, Twilio's in ``twilio``; the
24-hour window rule is in ``bot.whatsapp_window``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Generic, Iterable, List, Optional, Sequence, TypeVar

from rasa.core.channels.channel import OutputChannel

from bot.channels.whatsapp.delivery import DeliveryError, SendResult

# A WhatsApp text message holds 4,096 characters.
TEXT_LIMIT = 4096

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

# What a provider's webhook reports that needs an answer.
TEXT = "text"
UNSUPPORTED = "unsupported"


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


# -------------------------------------------------------------- text rules


def reply_text(reply_id: str, title: str) -> str:
    """What a tapped button sends to the assistant.

    Our buttons carry the Rasa payload (``/intent{...}``) as their id; any
    other id came from elsewhere (a template), so the visible title is used.
    """
    if reply_id.startswith("/"):
        return reply_id
    return title or reply_id


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


# ------------------------------------------------------------------ output

Message = TypeVar("Message")


class WhatsAppOutput(OutputChannel, Generic[Message]):
    """The part of the Meta and Twilio outputs that is the same.

    A subclass turns Rasa's responses into its provider's messages and says
    how one is delivered (:meth:`_deliver`); sending, recording the results in
    ``sent`` and raising :class:`DeliveryError` happen here. With
    ``raise_on_failure`` a message the provider refuses raises (used for the
    HTTP API, so the staff console learns of it); otherwise failures are only
    logged, so one refused message does not stop the rest of the assistant's
    answer.
    """

    # Names the provider in DeliveryError's message.
    provider = "WhatsApp"

    def __init__(self, raise_on_failure: bool = False) -> None:
        """Start with an empty record of sent messages."""
        self.raise_on_failure = raise_on_failure
        self.sent: List[SendResult] = []

    async def _deliver(self, recipient_id: str, message: Message) -> SendResult:
        """Send one provider message; never raises for HTTP trouble."""
        raise NotImplementedError

    def image_messages(self, recipient_id: str, image: str) -> Sequence[Message]:
        """The messages that show an image's address (already trimmed)."""
        raise NotImplementedError

    async def _send(self, recipient_id: str, message: Message) -> None:
        """Send one message and record it; raises if refused and ``raise_on_failure``."""
        result = await self._deliver(recipient_id, message)
        self.sent.append(result)
        if not result.ok and self.raise_on_failure:
            raise DeliveryError(self.provider, result)

    async def _send_all(self, recipient_id: str, messages: Iterable[Message]) -> None:
        """Send messages one after the other (stops at a raised refusal)."""
        for message in messages:
            await self._send(recipient_id, message)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """The image's address as text (WhatsApp shows a preview)."""
        if isinstance(image, str) and image.strip():
            await self._send_all(recipient_id, self.image_messages(recipient_id, image.strip()))

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        """An attachment's address (or text) as a text message."""
        if isinstance(attachment, str) and attachment.strip():
            await self.send_text_message(recipient_id, attachment)
