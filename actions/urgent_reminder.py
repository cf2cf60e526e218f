"""The urgent-care advice again, for a message right after it that the assistant cannot answer."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_contact import contact_details
from bot.settings import get_settings
from bot.urgent_follow_up import (
    FOLLOW_UP_RESPONSE,
    GOING_RESPONSE,
    reminder_due,
    says_going_for_care,
)


def remind_urgent_care(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Right after urgent-care advice, the advice again, worded for a follow-up, and the phone.

    Sent instead of "I can't help with that", "the pages do not say", "did
    you mean one of these?" or, to "can I wait until tomorrow?", the staff
    queue's reply, to a message right after the advice
    (``bot.urgent_follow_up.reminder_due``: after the advice only the models
    asked for, only a message about waiting or going).

    A patient who says they are going ("ok we are on the way") is told to
    go now, without the advice's "a chat cannot tell how serious this is".

    Returns:
        Whether the reminder was sent (the caller then sends nothing else).
    """
    text = str(tracker.latest_message.get("text") or "")
    if not reminder_due(tracker.events, text):
        return False
    going = says_going_for_care(text)
    dispatcher.utter_message(response=GOING_RESPONSE if going else FOLLOW_UP_RESPONSE)
    details = contact_details(get_settings())
    if "clinic_phone" in details:
        dispatcher.utter_message(response="utter_clinic_phone", **details)
    return True
