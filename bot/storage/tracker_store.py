"""Rasa's SQL tracker store, configured from one ``DATABASE_URL``.

``endpoints.yml`` names this class. Rasa's ``SQLTrackerStore`` wants the URL
split into dialect, host, port and so on; the clinic's deployments set a
single ``DATABASE_URL`` instead (SQLite by default, PostgreSQL in production).
Conversations are stored in Rasa's own ``events`` table, which we only read.

Phone numbers and national ID numbers are masked before events are written:
every string of every event (the patient's messages, the assistant's replies,
slot and entity values, ``parse_data``, channel metadata) reaches the database
with its numbers as ``[phone •••78]``. The callback request, kept
in ``clinic_callback_requests`` with the patient's consent, is the one place a
number is kept in full (see ``actions/callback.py``). The assistant still sees
the full text while it handles the turn; only the stored copy is masked.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.privacy import SENSITIVE_SLOTS, mask_nested, mask_phone_for_display
from bot.settings import get_settings
from bot.storage.database import wait_for_database

logger = logging.getLogger(__name__)


class DatabaseUrlTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` whose connection comes from the ``DATABASE_URL`` setting."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        database_url: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        """Connects to ``database_url``, or to the configured ``DATABASE_URL``.

        Args:
            domain: The assistant's domain.
            host: Ignored; present because Rasa passes the endpoint's ``url``.
            event_broker: Optional broker that receives every event.
            database_url: Overrides the setting (used by tests).
            **kwargs: Further ``SQLTrackerStore`` options from ``endpoints.yml``.
        """
        url = database_url or get_settings().database_url
        wait_for_database(url)
        logger.info("tracker_store.connected", extra={"backend": make_url(url).get_backend_name()})
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, with phone and ID numbers masked.

        The same steps as ``SQLTrackerStore.save`` in Rasa 3.6, with one change:
        each event's data passes through :func:`stored_event_data` first.
        """
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = stored_event_data(event.as_dict())
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()


def stored_event_data(data: Dict[str, Any]) -> Dict[str, Any]:
    """The form of a serialised Rasa event that may be stored.

    Every string in the event, at any depth, is masked with
    :func:`bot.privacy.mask_nested`: texts, slot values, entity values,
    ``parse_data``, channel metadata, bot messages' data, action fields.
    Values of :data:`SENSITIVE_SLOTS` are first reduced to the display form of
    the number. Nothing is exempt: even a message id that happens to hold a
    run of ten digits is masked.

    Args:
        data: ``event.as_dict()``.

    Returns:
        A masked copy; ``data`` itself is not changed.
    """
    if data.get("event") == "slot" and data.get("name") in SENSITIVE_SLOTS and data.get("value"):
        value = str(data["value"])
        data = dict(data, value=mask_phone_for_display(value) if value.startswith("+") else "•••")
    return mask_nested(data)
