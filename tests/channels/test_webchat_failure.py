"""The widget's channel when handling a message fails: red flags are still answered."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

import socketio

from bot.channels.webchat import WebChatInput
from bot.session_tokens import issue_session
from tests.channels.conftest import FailingAgentThatReadsRedFlags, running
from tests.conftest import text_of

SECRET = "widget-secret-for-the-failure-tests"
ORIGIN = "http://clinic.example.org"
ACK_WAIT_SECONDS = 3


async def send_and_listen(url: str, text: str) -> Dict[str, List[Any]]:
    """Connect as the widget, send ``text``; the acknowledgement and what arrived.

    A refused or failed message gets no acknowledgement: ``call`` waits
    ``ACK_WAIT_SECONDS`` for it; by then any reply sent before it has arrived.
    """
    session = issue_session(SECRET)
    client = socketio.AsyncClient(reconnection=False)
    uttered: List[Any] = []
    client.on("bot_uttered", lambda data=None: uttered.append(data))
    await client.connect(
        url,
        socketio_path="/socket.io",
        auth={"token": session.token},
        headers={"Origin": ORIGIN},
        transports=["polling"],
        wait_timeout=10,
    )
    try:
        await client.emit("session_request", {"session_id": session.session_id})
        message = {
            "session_id": session.session_id,
            "message": text,
            "metadata": {"message_id": uuid.uuid4().hex},
        }
        acknowledgement = await client.call("user_uttered", message, timeout=ACK_WAIT_SECONDS)
    except socketio.exceptions.TimeoutError:
        acknowledgement = None
    finally:
        await client.disconnect()
    return {"acknowledgement": [acknowledgement], "uttered": uttered}


async def test_a_red_flag_whose_handling_fails_still_gets_the_urgent_reply(
    responses: Dict[str, List[Dict[str, Any]]],
) -> None:
    agent = FailingAgentThatReadsRedFlags(responses)
    channel = WebChatInput(jwt_key=SECRET, allowed_origins=[ORIGIN])
    async with running(channel, agent) as served:
        # A polling client's disconnect waits for its open long-poll: keep those short.
        channel.sio.eio.ping_interval, channel.sio.eio.ping_timeout = 0.5, 1
        urgent = await send_and_listen(served.url, "his toes are blue")
        ordinary = await send_and_listen(served.url, "what is a DFO")
    assert len(agent.messages) == 2
    assert [data["text"] for data in urgent["uttered"]] == [text_of(responses, "utter_urgent_care")]
    assert ordinary["uttered"] == []
    # Neither is acknowledged: both stay in the widget's outbox.
    assert urgent["acknowledgement"] == [None] and ordinary["acknowledgement"] == [None]
