"""The console's Rasa client names a conversation exactly as Rasa's own HTTP API reads it.

Rasa's routes take the id as a raw ``path`` parameter and never percent-decode
it, so ``whatsapp%3A%2B880...`` would be a different, empty conversation: the
pause and the staff reply would never reach the patient (issue 11 row 2).
This runs Rasa's real HTTP API with an agent that needs no trained model.
"""

from __future__ import annotations

import pytest
from rasa import server as rasa_server
from sanic import Sanic

from bot.console.rasa_api import RasaApi, UnaddressableConversationError, slot_event
from tests.channels.servers import serve
from tests.channels.test_staff_reply_route import ModelFreeAgent
from tests.console.test_conversation_ids import ADDRESSABLE, UNADDRESSABLE

TOKEN = "console-test-token"


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    # One Rasa app per test, all named "rasa_server".
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.mark.parametrize("conversation_id", list(ADDRESSABLE.values()), ids=list(ADDRESSABLE))
async def test_rasa_pauses_exactly_the_conversation_named(conversation_id: str) -> None:
    agent = ModelFreeAgent()
    app = rasa_server.create_app(agent=agent, auth_token=TOKEN, cors_origins=None)
    async with serve(app) as url:
        api = RasaApi(url, TOKEN)
        await api.append_events(
            conversation_id, [slot_event("staff_name", "Nurse Rahima"), {"event": "pause"}]
        )
        state = await api.tracker(conversation_id)
    assert (state["sender_id"], state["paused"]) == (conversation_id, True)
    assert list(await agent.tracker_store.keys()) == [conversation_id]


@pytest.mark.parametrize("conversation_id", list(UNADDRESSABLE.values()), ids=list(UNADDRESSABLE))
async def test_an_id_rasa_cannot_receive_is_refused_before_any_request(
    conversation_id: str,
) -> None:
    # Port 9 (discard): nothing listens, so a request would fail differently.
    api = RasaApi("http://127.0.0.1:9", TOKEN)
    with pytest.raises(UnaddressableConversationError):
        await api.append_events(conversation_id, [{"event": "pause"}])
    with pytest.raises(UnaddressableConversationError):
        await api.tracker(conversation_id)
