"""A staff reply posted through Rasa's HTTP API reaches the patient's WhatsApp.

The staff console appends a ``bot`` event to the patient's conversation:

    POST /conversations/<id>/tracker/events?execute_side_effects=true&output_channel=latest

Rasa then asks the channel of the patient's latest message for an output
channel (``get_output_channel``) and sends the event through it. This runs
Rasa's real HTTP API and channel registration with an agent that needs no
trained model: it stores what the patient wrote, as Rasa does, and the real
``MessageProcessor`` code sends the bot event.
"""

from __future__ import annotations

import uuid
from typing import Any, AsyncIterator, Dict, List, Tuple

import aiohttp
import pytest
from rasa import server as rasa_server
from rasa.core.channels.channel import OutputChannel, UserMessage, register
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.message_dedupe import MemoryDedupe
from bot.channels.whatsapp.meta import WhatsAppCloudInput, signature_for
from bot.channels.whatsapp.twilio import TwilioWhatsAppInput, twilio_signature
from tests.channels.conftest import (
    ACCESS_TOKEN,
    APP_SECRET,
    FAST,
    PATIENT,
    PHONE_NUMBER_ID,
    TWILIO_NUMBER,
    TWILIO_PATIENT,
    TWILIO_SID,
    TWILIO_TOKEN,
    VERIFY_TOKEN,
    payload_bytes,
)
from tests.channels.servers import FakeApi, serve

API_TOKEN = "console-test-token"


class ModelFreeProcessor:
    """The parts of Rasa's ``MessageProcessor`` the events route uses."""

    def __init__(self, tracker_store: InMemoryTrackerStore) -> None:
        self.tracker_store = tracker_store

    async def fetch_tracker_with_initial_session(
        self, sender_id: str, *args: Any, **kwargs: Any
    ) -> DialogueStateTracker:
        return await self.tracker_store.get_or_create_tracker(sender_id)

    get_tracker = fetch_tracker_with_initial_session
    fetch_full_tracker_with_initial_session = fetch_tracker_with_initial_session

    async def execute_side_effects(
        self, events: List[Event], tracker: DialogueStateTracker, output_channel: OutputChannel
    ) -> None:
        # Rasa's own code: every BotUttered goes to output_channel.send_response.
        await MessageProcessor._send_bot_messages(events, tracker, output_channel)


class ModelFreeAgent:
    """Rasa's agent without a model: stores the patient's messages with their channel."""

    def __init__(self) -> None:
        self.domain = Domain.empty()
        self.tracker_store = InMemoryTrackerStore(self.domain)
        self.lock_store = InMemoryLockStore()
        self.processor = ModelFreeProcessor(self.tracker_store)

    def is_ready(self) -> bool:
        return True

    async def handle_message(self, message: UserMessage) -> None:
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(
            UserUttered(
                message.text,
                input_channel=message.input_channel,
                message_id=message.message_id,
                metadata=message.metadata,
            )
        )
        await self.tracker_store.save(tracker)


class RasaServer:
    def __init__(self, url: str, http: aiohttp.ClientSession, channels: Dict[str, Any]) -> None:
        self.url = url
        self.http = http
        self.channels = channels

    async def patient_writes_on_whatsapp(self) -> None:
        body = payload_bytes("text.json")
        async with self.http.post(
            f"{self.url}/webhooks/whatsapp/webhook",
            data=body,
            headers={"X-Hub-Signature-256": signature_for(APP_SECRET, body)},
        ) as answer:
            assert answer.status == 200
        await self.channels["whatsapp"].wait_until_idle()

    async def patient_writes_through_twilio(self) -> None:
        form = {"MessageSid": "SM42", "From": TWILIO_PATIENT, "Body": "hello", "NumMedia": "0"}
        url = f"{self.url}/webhooks/twilio_whatsapp/webhook"
        signature = twilio_signature(TWILIO_TOKEN, url, {k: [v] for k, v in form.items()})
        async with self.http.post(
            url, data=form, headers={"X-Twilio-Signature": signature}
        ) as answer:
            assert answer.status == 200
        await self.channels["twilio_whatsapp"].wait_until_idle()

    async def staff_reply(self, conversation: str, event: Dict[str, Any]) -> Tuple[int, Any]:
        """What the console does; returns the HTTP status and JSON answer."""
        params = {"execute_side_effects": "true", "output_channel": "latest", "token": API_TOKEN}
        async with self.http.post(
            f"{self.url}/conversations/{conversation}/tracker/events", params=params, json=event
        ) as answer:
            return answer.status, await answer.json()

    async def bot_events(self, conversation: str) -> List[Dict[str, Any]]:
        async with self.http.get(
            f"{self.url}/conversations/{conversation}/tracker", params={"token": API_TOKEN}
        ) as answer:
            tracker = await answer.json()
        return [event for event in tracker["events"] if event["event"] == "bot"]


@pytest.fixture
async def rasa(fake_api: FakeApi) -> AsyncIterator[RasaServer]:
    whatsapp = WhatsAppCloudInput(
        verify_token=VERIFY_TOKEN,
        app_secret=APP_SECRET,
        access_token=ACCESS_TOKEN,
        phone_number_id=PHONE_NUMBER_ID,
        graph_api_url=f"{fake_api.url}/v21.0",
        dedupe=MemoryDedupe(),
        retry_policy=FAST,
    )
    # The URL Twilio signs is this server's own here (no proxy), so no webhook_url.
    twilio = TwilioWhatsAppInput(
        account_sid=TWILIO_SID,
        auth_token=TWILIO_TOKEN,
        twilio_number=TWILIO_NUMBER,
        webhook_url="",
        api_url=fake_api.url,
        dedupe=MemoryDedupe(),
        retry_policy=FAST,
    )
    app = rasa_server.create_app(agent=ModelFreeAgent(), auth_token=API_TOKEN, cors_origins=None)
    # As `rasa run` does: the channels' blueprints under /webhooks/.
    register([whatsapp, twilio], app, route="/webhooks/")
    async with serve(app) as url, aiohttp.ClientSession() as http:
        yield RasaServer(url, http, {"whatsapp": whatsapp, "twilio_whatsapp": twilio})


async def test_staff_reply_through_the_http_api_reaches_whatsapp(
    rasa: RasaServer, fake_api: FakeApi
) -> None:
    await rasa.patient_writes_on_whatsapp()
    # As bot.console.rasa_api.staff_message_event writes it.
    reply = {
        "event": "bot",
        "text": "Hello, this is the clinic.\n\nWe will call you today.",
        "metadata": {"staff": True, "staff_name": "Ayesha"},
    }
    status, _ = await rasa.staff_reply(PATIENT, reply)
    assert status == 200
    [sent] = fake_api.graph_messages()
    assert sent["to"] == PATIENT and sent["type"] == "text"
    # One message, paragraphs kept, opened with who is writing.
    assert sent["text"]["body"] == (
        "*Ayesha* (clinic staff / ক্লিনিকের কর্মী):\n"
        "Hello, this is the clinic.\n\nWe will call you today."
    )
    assert [event["text"] for event in await rasa.bot_events(PATIENT)] == [reply["text"]]


async def test_staff_reply_with_buttons_becomes_reply_buttons(
    rasa: RasaServer, fake_api: FakeApi
) -> None:
    await rasa.patient_writes_on_whatsapp()
    status, _ = await rasa.staff_reply(
        PATIENT,
        {
            "event": "bot",
            "text": "Shall we call you back?",
            "data": {"buttons": [{"title": "Yes", "payload": "/affirm"}]},
        },
    )
    assert status == 200
    [sent] = fake_api.graph_messages()
    assert sent["interactive"]["action"]["buttons"][0]["reply"] == {"id": "/affirm", "title": "Yes"}


async def test_a_reply_whatsapp_refuses_is_an_error_for_the_console(
    rasa: RasaServer, fake_api: FakeApi
) -> None:
    await rasa.patient_writes_on_whatsapp()
    fake_api.fail_next(1, status=400, body={"error": {"code": 131047, "message": "x"}})
    status, answer = await rasa.staff_reply(PATIENT, {"event": "bot", "text": "Late reply"})
    assert status == 500
    assert "status=400, error_code=131047" in answer["message"]
    assert PATIENT not in answer["message"] and "Late reply" not in answer["message"]
    # Not recorded as said, so the console can show it as not delivered.
    assert await rasa.bot_events(PATIENT) == []


async def test_staff_reply_to_a_twilio_conversation_goes_through_twilio(
    rasa: RasaServer, fake_api: FakeApi
) -> None:
    await rasa.patient_writes_through_twilio()
    fake_api.requests.clear()
    status, _ = await rasa.staff_reply(TWILIO_PATIENT, {"event": "bot", "text": "Hello from staff"})
    assert status == 200
    [sent] = fake_api.twilio_messages()
    assert (sent["To"], sent["Body"]) == (TWILIO_PATIENT, "Hello from staff")


async def test_a_conversation_from_another_channel_is_not_sent_to_whatsapp(
    rasa: RasaServer, fake_api: FakeApi
) -> None:
    conversation = f"rest-{uuid.uuid4().hex}"
    status, _ = await rasa.staff_reply(conversation, {"event": "bot", "text": "Hello"})
    assert status == 200
    assert fake_api.requests == []
