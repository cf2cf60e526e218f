"""Which channels are WhatsApp, and WhatsApp's 24-hour customer-service window.

A neutral module (standard library only): the WhatsApp channels
(``bot.channels.whatsapp``), the staff console and the actions read it, and
none of them has to import another's code for it.

WhatsApp accepts free-form messages (text, buttons, a staff member's reply)
only within 24 hours of the patient's last message; after that, only
approved template messages.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional

# The Rasa channel names (``InputChannel.name()``) of the two WhatsApp providers.
META_CHANNEL = "whatsapp"
TWILIO_CHANNEL = "twilio_whatsapp"
# The channels that reach patients on WhatsApp (Meta's Cloud API, Twilio).
WHATSAPP_CHANNELS = (META_CHANNEL, TWILIO_CHANNEL)

CUSTOMER_SERVICE_WINDOW = timedelta(hours=24)


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
