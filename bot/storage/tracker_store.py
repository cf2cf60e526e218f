"""Rasa's SQL tracker store, configured from one ``DATABASE_URL``.

``endpoints.yml`` names this class. Rasa's ``SQLTrackerStore`` wants the URL
split into dialect, host, port and so on; the clinic's deployments set a
single ``DATABASE_URL`` instead (SQLite by default, PostgreSQL in production).
Conversations are stored in Rasa's own ``events`` table, which we only read.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import make_url

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
