"""Action calls reuse one connection (bot.speedups.pooled_sessions), with Rasa's request code."""

from __future__ import annotations

from typing import AsyncIterator, List

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.speedups import pooled_sessions

SEEN = web.AppKey("seen", list)


@pytest.fixture
async def server() -> AsyncIterator[TestServer]:
    """A small action-server stand-in that records each request's connection and headers."""
    seen: List[dict] = []

    async def webhook(request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        seen.append(
            {
                "peer": peer,
                "auth": request.headers.get("Authorization"),
                "custom": request.headers.get("X-Clinic"),
                "body": await request.json(),
            }
        )
        if request.query.get("fail"):
            return web.Response(status=500, text="broken")
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    app[SEEN] = seen
    test_server = TestServer(app)
    await test_server.start_server()
    yield test_server
    await test_server.close()


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(EndpointConfig, "session", pooled_sessions.session)


async def test_action_calls_share_one_connection(server: TestServer, pooled: None) -> None:
    endpoint = EndpointConfig(str(server.make_url("/webhook")))
    for number in range(3):
        reply = await endpoint.request(json={"next_action": f"a{number}"}, method="post")
        assert reply == {"events": [], "responses": []}
    seen = server.app[SEEN]
    assert [item["body"]["next_action"] for item in seen] == ["a0", "a1", "a2"]
    assert len({item["peer"] for item in seen}) == 1
    await pooled_sessions.close_sessions()


async def test_rasas_own_session_opened_a_connection_per_call(
    server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(EndpointConfig, "session", pooled_sessions.RASA_SESSION)
    endpoint = EndpointConfig(str(server.make_url("/webhook")))
    for number in range(3):
        await endpoint.request(json={"next_action": f"a{number}"}, method="post")
    assert len({item["peer"] for item in server.app[SEEN]}) == 3


async def test_headers_and_auth_are_sent_as_rasa_sends_them(
    server: TestServer, pooled: None
) -> None:
    plain = EndpointConfig(str(server.make_url("/webhook")))
    with_auth = EndpointConfig(
        str(server.make_url("/webhook")),
        headers={"X-Clinic": "yes"},
        basic_auth={"username": "rasa", "password": "secret"},
    )
    await with_auth.request(json={"next_action": "a"}, method="post")
    await plain.request(json={"next_action": "b"}, method="post")
    first, second = server.app[SEEN]
    assert first["custom"] == "yes" and first["auth"].startswith("Basic ")
    assert second["custom"] is None and second["auth"] is None
    await pooled_sessions.close_sessions()


async def test_an_error_status_still_raises_rasas_error(server: TestServer, pooled: None) -> None:
    endpoint = EndpointConfig(str(server.make_url("/webhook")))
    with pytest.raises(ClientResponseError) as raised:
        await endpoint.request(json={"next_action": "a"}, method="post", params={"fail": "1"})
    assert raised.value.status == 500
    # The session survives the error and serves the next call.
    assert await endpoint.request(json={"next_action": "b"}, method="post") == {
        "events": [],
        "responses": [],
    }
    await pooled_sessions.close_sessions()


async def test_shutdown_closes_the_kept_sessions(
    server: TestServer, pooled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: List[bool] = []

    async def rasa_close_resources(*args: object) -> None:
        closed.append(True)

    monkeypatch.setattr(pooled_sessions, "RASA_CLOSE_RESOURCES", rasa_close_resources)
    endpoint = EndpointConfig(str(server.make_url("/webhook")))
    await endpoint.request(json={"next_action": "a"}, method="post")
    async with endpoint.session() as kept:
        pass
    assert not kept.closed
    await pooled_sessions.close_resources(None, None)
    assert closed == [True] and kept.closed
    # A later request (a restarted server loop) gets a new session.
    await endpoint.request(json={"next_action": "b"}, method="post")
    await pooled_sessions.close_sessions()


def test_idle_connections_close_before_the_action_servers_keep_alive() -> None:
    from sanic.config import DEFAULT_CONFIG

    assert DEFAULT_CONFIG["KEEP_ALIVE_TIMEOUT"] > pooled_sessions.IDLE_SECONDS
