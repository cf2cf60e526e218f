"""Helpers shared by the actions that point patients to the clinic."""

from __future__ import annotations

from typing import Dict, Optional

from rasa_sdk.executor import CollectingDispatcher

from bot.settings import Settings, is_placeholder
from bot.whatsapp_window import WHATSAPP_CHANNELS


def usable(value: str) -> bool:
    """Whether a configured contact detail is real enough to show a patient."""
    return not is_placeholder(value)


def contact_details(settings: Settings) -> Dict[str, str]:
    """Return the configured contact details that may be shown, by template name."""
    details = {
        "clinic_phone": settings.clinic_phone,
        "clinic_hours": settings.clinic_hours,
        "clinic_whatsapp": settings.clinic_whatsapp_digits,
    }
    return {name: value for name, value in details.items() if usable(value)}


def utter_contact_options(
    dispatcher: CollectingDispatcher, settings: Settings, channel: Optional[str] = None
) -> None:
    """Tell the patient how to reach the clinic, using only configured details.

    The WhatsApp link is left out for a patient who is already on WhatsApp.
    """
    details = contact_details(settings)
    if channel in WHATSAPP_CHANNELS:
        details.pop("clinic_whatsapp", None)
    if "clinic_phone" in details:
        dispatcher.utter_message(response="utter_handoff_contact", **details)
    else:
        dispatcher.utter_message(response="utter_handoff_no_contact")
    if "clinic_whatsapp" in details:
        dispatcher.utter_message(response="utter_handoff_whatsapp", **details)
    if "clinic_hours" in details:
        dispatcher.utter_message(response="utter_handoff_hours", **details)
