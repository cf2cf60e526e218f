"""The widget's socket.io channel on the running Rasa server, as a client speaks it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Dict, List

import pytest
import socketio

from bot.session_tokens import issue_session
from tests.conftest import text_of
from tests.utils.stack import AssistantStack

pytestmark = pytest.mark.live


class Listener:
    """A socket.io client that records what the server emits."""

    def __init__(self, stack: AssistantStack) -> None:
        self.stack = stack
        self.client = socketio.AsyncClient(reconnection=False)
        self.events: List[tuple] = []
        for name in ("session_confirm", "session_error", "bot_uttered", "bot_error"):
            self.client.on(name, self._recorder(name))

    def _recorder(self, name: str):
        async def record(data: Any = None) -> None:
            self.events.append((name, data))

        return record

    async def connect(self, token: str) -> None:
        await self.client.connect(
            self.stack.rasa_url,
            socketio_path="/socket.io",
            auth={"token": token},
            headers={"Origin": self.stack.web_url},
            # Polling only: this aiohttp (pinned by Rasa) lacks what the
            # websocket client of python-engineio needs. The browser tests use
            # the websocket transport.
            transports=["polling"],
            wait_timeout=10,
        )

    async def join(self, session_id: str) -> List[Any]:
        """Ask for our own session, as the widget does after connecting."""
        await self.client.emit("session_request", {"session_id": session_id})
        return await self.wait_for("session_confirm")

    async def wait_for(self, name: str, count: int = 1, timeout: float = 30) -> List[Any]:
        for _ in range(int(timeout * 10)):
            found = [data for event, data in self.events if event == name]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.1)
        raise AssertionError(f"no {name} after {timeout}s: {self.events}")


async def test_connection_without_a_valid_token_is_refused(stack: AssistantStack) -> None:
    for token in ("", "garbage", issue_session("not-the-secret").token):
        listener = Listener(stack)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await listener.connect(token)


async def test_own_session_is_confirmed_and_answered(stack: AssistantStack) -> None:
    session = issue_session(stack.widget_secret)
    listener = Listener(stack)
    await listener.connect(session.token)
    try:
        assert await listener.join(session.session_id) == [session.session_id]
        message_id = uuid.uuid4().hex
        payload: Dict[str, Any] = {
            "session_id": session.session_id,
            "message": "what is a VRO",
            "metadata": {"message_id": message_id},
        }
        ack = await listener.client.call("user_uttered", payload, timeout=60)
        assert ack == {"ok": True}
        answered = len(await listener.wait_for("bot_uttered", 2))
        # The widget resends after a reconnect: the same message is not handled twice.
        again = await listener.client.call("user_uttered", payload, timeout=60)
        assert again == {"ok": True, "duplicate": True}
        await asyncio.sleep(1)
        assert len([e for e in listener.events if e[0] == "bot_uttered"]) == answered
    finally:
        await listener.client.disconnect()


async def test_someone_elses_session_is_refused(stack: AssistantStack) -> None:
    mine = issue_session(stack.widget_secret)
    theirs = issue_session(stack.widget_secret)
    listener = Listener(stack)
    await listener.connect(mine.token)
    await listener.client.emit("session_request", {"session_id": theirs.session_id})
    assert await listener.wait_for("session_error") == [{"error": "foreign_session"}]
    for _ in range(50):
        if not listener.client.connected:
            break
        await asyncio.sleep(0.1)
    assert not listener.client.connected
    assert not [e for e in listener.events if e[0] == "session_confirm"]


async def test_oversized_and_malformed_messages_get_an_error(stack: AssistantStack) -> None:
    session = issue_session(stack.widget_secret)
    listener = Listener(stack)
    await listener.connect(session.token)
    try:
        await listener.join(session.session_id)
        too_long = await listener.client.call("user_uttered", {"message": "x" * 6000}, timeout=30)
        assert too_long == {"ok": False, "error": "too_long"}
        malformed = await listener.client.call("user_uttered", ["not", "a", "dict"], timeout=30)
        assert malformed == {"ok": False, "error": "invalid_payload"}
        foreign = await listener.client.call(
            "user_uttered", {"message": "hi", "session_id": "f" * 32}, timeout=30
        )
        assert foreign == {"ok": False, "error": "foreign_session"}
        assert not [e for e in listener.events if e[0] == "bot_uttered"]
    finally:
        await listener.client.disconnect()


async def test_events_without_a_payload_get_an_error_event(stack: AssistantStack) -> None:
    session = issue_session(stack.widget_secret)
    listener = Listener(stack)
    await listener.connect(session.token)
    try:
        await listener.client.emit("session_request")
        assert await listener.wait_for("bot_error", timeout=10) == [{"error": "payload_missing"}]
        assert not [e for e in listener.events if e[0] == "session_confirm"]
        await listener.client.emit("session_request", "not a dict")
        errors = await listener.wait_for("bot_error", 2, timeout=10)
        assert errors[1] == {"error": "invalid_payload"}

        # The socket still works: the widget's own request is confirmed.
        assert await listener.join(session.session_id) == [session.session_id]
        ack = await listener.client.call("user_uttered", timeout=10)
        assert ack == {"ok": False, "error": "payload_missing"}
        await listener.client.emit("user_uttered")
        errors = await listener.wait_for("bot_error", 4, timeout=10)
        assert errors[2:] == [{"error": "payload_missing"}] * 2
        assert not [e for e in listener.events if e[0] == "bot_uttered"]
    finally:
        await listener.client.disconnect()


async def test_a_red_flag_with_a_lone_surrogate_gets_the_urgent_reply(
    stack: AssistantStack, responses
) -> None:
    session = issue_session(stack.widget_secret)
    listener = Listener(stack)
    await listener.connect(session.token)
    try:
        await listener.join(session.session_id)
        payload = {
            "session_id": session.session_id,
            "message": "\ud800abc Now suddenly he has chest pain.",
            "metadata": {"message_id": uuid.uuid4().hex},
        }
        ack = await listener.client.call("user_uttered", payload, timeout=60)
        assert ack == {"ok": True}
        # The widget shows each paragraph of a reply as its own bubble.
        urgent = text_of(responses, "utter_urgent_care").strip().split("\n\n")
        for _ in range(100):
            said = [data["text"] for name, data in listener.events if name == "bot_uttered"]
            if all(part in said for part in urgent):
                break
            await asyncio.sleep(0.1)
        assert all(part in said for part in urgent), said
    finally:
        await listener.client.disconnect()
