"""``GET /webhooks/storage/health`` on the Rasa server: PostgreSQL, Redis and the journal.

Not a channel for patients: an input channel is the way to add a route to
Rasa's server (``credentials.yml`` names it), and ``/status`` needs the
server's token. The answer is :func:`bot.storage.health_check.storage_report`
with status 200 while everything is reachable and nothing waits in the
journal, 503 otherwise, so a monitor can alert on the status alone.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import get_settings
from bot.storage.health_check import storage_report
from bot.storage.journal import journal_for


async def storage_health_response() -> HTTPResponse:
    """The storage report of this process as JSON: 200 when ``ok``, else 503."""
    settings = get_settings()
    journal = journal_for(settings.database_url)
    report = await asyncio.to_thread(
        storage_report, settings.database_url, settings.redis_url, journal
    )
    return response.json(report, status=200 if report["status"] == "ok" else 503)


class StorageHealthInput(InputChannel):
    """The Rasa server's storage health route; it takes no messages."""

    @classmethod
    def name(cls) -> str:
        """The URL prefix: ``/webhooks/storage``."""
        return "storage"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """No settings."""
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``GET /webhooks/storage/health``."""
        blueprint = Blueprint("storage_health", __name__)

        @blueprint.route("/health", methods=["GET"])
        async def storage_health(_: Request) -> HTTPResponse:
            return await storage_health_response()

        return blueprint
