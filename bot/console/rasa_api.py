"""The few calls the console makes to the Rasa server's HTTP API.

Staff messages are written into the conversation as bot events with
``execute_side_effects=true`` and ``output_channel=latest``: Rasa stores them
in the tracker (so they appear in the transcript and the widget's history)
and delivers them through the channel the patient last wrote on (the web
widget's socket, or WhatsApp). Pausing and resuming use Rasa's own
``pause``/``resume`` events, so the assistant's silence is Rasa's.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Dict, List, Optional

import aiohttp
from yarl import URL

logger = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=15)
# Rasa's routes take the conversation id as a raw ``path`` parameter and never
# percent-decode it, so the id must travel as it is. Every printable ASCII
# character reaches Rasa unchanged except ``?`` and ``#`` (they end the path);
# spaces, control characters and non-ASCII text cannot be sent at all, and
# Rasa's ``path`` parameter cannot start with ``/``.
CANNOT_TRAVEL_RAW = re.compile(r"[^\x21-\x7e]|[?#]|^/|^$")


class RasaApiError(RuntimeError):
    """The Rasa server could not be reached or refused the request."""


class UnaddressableConversationError(RasaApiError):
    """A conversation id Rasa's HTTP API cannot name (only old REST clients made such ids)."""


def addressable(conversation_id: str) -> bool:
    """Whether Rasa's HTTP API receives this conversation id exactly as it is."""
    return CANNOT_TRAVEL_RAW.search(conversation_id) is None


def conversation_url(base_url: str, conversation_id: str, path: str) -> URL:
    """The URL of one of Rasa's conversation routes, with the id exactly as Rasa will read it.

    Raises:
        UnaddressableConversationError: the id has characters Rasa cannot receive.
    """
    if not addressable(conversation_id):
        raise UnaddressableConversationError(
            "this conversation's id has characters (spaces, ?, #, or non-Latin letters) "
            "that the assistant's API cannot carry"
        )
    return URL(f"{base_url}/conversations/{conversation_id}/{path}", encoded=True)


def staff_message_event(text: str, staff_name: str) -> Dict[str, Any]:
    """A bot event carrying a staff member's reply."""
    return {
        "event": "bot",
        "text": text,
        "metadata": {"staff": True, "staff_name": staff_name},
    }


def slot_event(name: str, value: Any) -> Dict[str, Any]:
    """A slot event."""
    return {"event": "slot", "name": name, "value": value}


def refusal_reason(status: int, body: str) -> str:
    """What went wrong, from Rasa's JSON error (e.g. the channel refused to send)."""
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        message = None
    if isinstance(message, str) and message:
        return f"the assistant's server answered {status}: {message[:200]}"
    return f"the assistant's server answered {status}"


class RasaApi:
    """A client of one Rasa server, authenticated with ``RASA_AUTH_TOKEN``."""

    def __init__(self, base_url: str, token: str) -> None:
        """Talks to the Rasa server at ``base_url`` with ``token``."""
        self.base_url = base_url.rstrip("/")
        self.token = token

    def _url(self, conversation_id: str, path: str) -> URL:
        return conversation_url(self.base_url, conversation_id, path)

    async def _post(self, url: URL, params: Dict[str, str], body: Any) -> Any:
        params = {**params, "token": self.token}
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as http,
                http.post(url, params=params, json=body) as reply,
            ):
                if reply.status >= 400:
                    logger.error("rasa_api.refused", extra={"status": reply.status})
                    raise RasaApiError(refusal_reason(reply.status, await reply.text()))
                return await reply.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("rasa_api.unreachable", extra={"error": type(error).__name__})
            raise RasaApiError("the Rasa server cannot be reached") from error

    async def append_events(
        self, conversation_id: str, events: List[Dict[str, Any]], deliver: bool = False
    ) -> Dict[str, Any]:
        """Add events to a conversation; ``deliver`` sends bot messages to the patient."""
        params = {"output_channel": "latest"}
        if deliver:
            params["execute_side_effects"] = "true"
        return await self._post(self._url(conversation_id, "tracker/events"), params, events)

    async def execute(self, conversation_id: str, action: str) -> Dict[str, Any]:
        """Run an action (e.g. a response) in the conversation and deliver its messages."""
        return await self._post(
            self._url(conversation_id, "execute"), {"output_channel": "latest"}, {"name": action}
        )

    async def tracker(self, conversation_id: str) -> Optional[Dict[str, Any]]:
        """The conversation's current state (``paused``, slots, ...)."""
        url = self._url(conversation_id, "tracker")
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as http,
                http.get(url, params={"token": self.token, "include_events": "NONE"}) as reply,
            ):
                if reply.status >= 400:
                    raise RasaApiError(f"the Rasa server answered {reply.status}")
                return await reply.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaApiError("the Rasa server cannot be reached") from error
