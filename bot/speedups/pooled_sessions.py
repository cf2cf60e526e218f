"""Keep the connection to the action server open between action calls.

Rasa 3.6's ``EndpointConfig.request`` opens a new aiohttp ``ClientSession``
for every request and closes it afterwards, so every action call made a new
TCP connection to the action server and the action server accepted one:
under one long conversation, connecting was 6% of the Rasa server's busy
time (py-spy, 2026-12-04), besides the accept on the other side.

This override hands ``EndpointConfig.request`` a session kept per event loop
and per set of session settings (headers, basic auth; Rasa's timeout), with
the same settings Rasa's own session would have, and leaves it open when the
request is done. Everything else in ``request`` (URL, query parameters,
headers, TLS context, status and JSON handling) is Rasa's code, unchanged.

An idle kept connection is dropped after ``IDLE_SECONDS``, before the action
server's keep-alive timeout (Sanic's default is 5 s) can close it from the
other side: a request is never sent on a connection the server is closing.
The sessions close when Rasa closes its resources at shutdown
(``rasa.core.run.close_resources``, looked up when the server registers it).
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional, Tuple

import aiohttp
from rasa.core import run as rasa_run
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

RASA_SESSION = EndpointConfig.session
RASA_CLOSE_RESOURCES = rasa_run.close_resources
IDLE_SECONDS = 2.0
# Connections per session; Rasa's own session had aiohttp's default (100).
CONNECTION_LIMIT = 100

SessionKey = Tuple[Tuple[Tuple[str, str], ...], Optional[Tuple[str, str]]]
# By id of the event loop: the loop itself (kept, so its id is not reused) and its sessions.
_SESSIONS: Dict[int, Tuple[asyncio.AbstractEventLoop, Dict[SessionKey, aiohttp.ClientSession]]] = {}


class BorrowedSession:
    """``async with`` gives a kept session and leaves it open afterwards."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        """Wraps the kept session."""
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        """The kept session."""
        return self.session

    async def __aexit__(self, *exc_info: Any) -> None:
        """Nothing to close: the session serves the next request."""
        return None


def session_key(endpoint: EndpointConfig) -> SessionKey:
    """What makes two endpoints' sessions differ: headers and basic auth."""
    headers = tuple(sorted((str(k), str(v)) for k, v in (endpoint.headers or {}).items()))
    auth = endpoint.basic_auth
    credentials = (str(auth["username"]), str(auth["password"])) if auth else None
    return headers, credentials


def new_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """A session with Rasa's settings whose idle connections close after ``IDLE_SECONDS``."""
    auth = endpoint.basic_auth
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=aiohttp.BasicAuth(auth["username"], auth["password"]) if auth else None,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=aiohttp.TCPConnector(limit=CONNECTION_LIMIT, keepalive_timeout=IDLE_SECONDS),
    )


def session(self: EndpointConfig) -> Any:
    """The session for this endpoint on the running loop, to borrow with ``async with``.

    Outside a running loop, Rasa's own (new) session.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return RASA_SESSION(self)
    kept_loop, sessions = _SESSIONS.get(id(loop), (None, {}))
    if kept_loop is not loop:
        sessions = {}
        _SESSIONS[id(loop)] = (loop, sessions)
    key = session_key(self)
    kept = sessions.get(key)
    if kept is None or kept.closed:
        kept = sessions[key] = new_session(self)
    return BorrowedSession(kept)


async def close_sessions() -> None:
    """Close the running loop's kept sessions."""
    _, sessions = _SESSIONS.pop(id(asyncio.get_running_loop()), (None, {}))
    for kept in sessions.values():
        await kept.close()


async def close_resources(*args: Any, **kwargs: Any) -> None:
    """Rasa's shutdown listener, then the kept sessions closed."""
    try:
        await RASA_CLOSE_RESOURCES(*args, **kwargs)
    finally:
        await close_sessions()


def install() -> None:
    """Replace Rasa's method and shutdown listener (idempotent)."""
    EndpointConfig.session = session
    rasa_run.close_resources = close_resources
