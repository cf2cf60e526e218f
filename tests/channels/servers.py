"""Servers for the channel tests, on loopback: a fake Graph/Twilio API and our channels.

``FakeApi`` stands in for Meta's Graph API and Twilio's REST API: it records
every request and can be told to fail the next ones (an HTTP status, or a
dropped connection). ``serve`` runs a Sanic app (a channel's blueprint, or
Rasa's whole HTTP API) in the test's event loop on a free port.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import urllib.parse
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Dict, List, Optional

from aiohttp import web
from sanic import Sanic

from tests.utils.stack import free_port

DROP = None  # a planned failure that closes the connection without an answer


@dataclass
class Recorded:
    """One request the fake API received."""

    method: str
    path: str
    headers: Dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def form(self) -> Dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))


@dataclass
class PlannedFailure:
    status: Optional[int]
    retry_after: Optional[str] = None
    body: Dict[str, Any] = field(default_factory=dict)


class FakeApi:
    """A loopback HTTP server answering like the Graph API (``/messages``) or Twilio."""

    def __init__(self) -> None:
        self.requests: List[Recorded] = []
        self.failures: List[PlannedFailure] = []
        self.delay = 0.0
        self._ids = itertools.count(1)
        self._runner: Optional[web.AppRunner] = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(
        self,
        count: int,
        status: Optional[int] = 500,
        retry_after: Optional[str] = None,
        body: Optional[Dict[str, Any]] = None,
    ) -> None:
        """Answer the next ``count`` requests with ``status`` (``DROP``: hang up)."""
        for _ in range(count):
            self.failures.append(PlannedFailure(status, retry_after, body or {}))

    def graph_messages(self) -> List[Dict[str, Any]]:
        """The JSON bodies posted to ``.../messages``."""
        return [r.json for r in self.requests if r.path.endswith("/messages")]

    def twilio_messages(self) -> List[Dict[str, str]]:
        """The forms posted to ``.../Messages.json``."""
        return [r.form for r in self.requests if r.path.endswith("/Messages.json")]

    async def wait_for(self, count: int, timeout: float = 10) -> List[Recorded]:
        """Wait until ``count`` requests arrived."""
        for _ in range(int(timeout * 50)):
            if len(self.requests) >= count:
                return self.requests
            await asyncio.sleep(0.02)
        raise AssertionError(f"{len(self.requests)} requests after {timeout}s, wanted {count}")

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(Recorded(request.method, request.path, dict(request.headers), body))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failures:
            failure = self.failures.pop(0)
            if failure.status is None:
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            return web.json_response(failure.body, status=failure.status, headers=headers)
        number = next(self._ids)
        if request.path.endswith("/Messages.json"):
            return web.json_response({"sid": f"SM{number:032d}", "status": "queued"}, status=201)
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": "x", "wa_id": "x"}],
                "messages": [{"id": f"wamid.fake-{number}"}],
            }
        )

    async def start(self, port: int = 0) -> FakeApi:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = port or free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@asynccontextmanager
async def serve(app: Sanic) -> AsyncIterator[str]:
    """Run ``app`` on a free loopback port in this event loop; yields its base URL."""
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()
