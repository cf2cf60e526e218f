"""Fixtures of the WhatsApp channel tests: fake APIs, channels served over HTTP."""

from __future__ import annotations

import json
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, AsyncIterator, Dict, List, Optional

import aiohttp
import pytest
from rasa.core.channels.channel import InputChannel, UserMessage, register
from sanic import Sanic

from bot.channels.message_dedupe import MemoryDedupe
from bot.channels.whatsapp.delivery import RetryPolicy
from bot.channels.whatsapp.meta import WhatsAppCloudInput, signature_for
from bot.channels.whatsapp.twilio import TwilioWhatsAppInput
from bot.intents import URGENT_INTENT
from tests.channels.servers import FakeApi, serve

DATA = Path(__file__).resolve().parent / "data"
APP_SECRET = "3f1c0e4b9a7d4c21b6e8f0a2d5c7e9b1"
VERIFY_TOKEN = "verify-4f9d2c7a1b8e6d30"
ACCESS_TOKEN = "EAAG-test-access-token"
PHONE_NUMBER_ID = "106540352242922"
PATIENT = "8801711000001"
TWILIO_SID = "AC" + "1" * 32
TWILIO_TOKEN = "0123456789abcdef0123456789abcdef"
TWILIO_NUMBER = "whatsapp:+14155238886"
TWILIO_PATIENT = "whatsapp:+8801711000001"
# Retries without the production waits.
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05, timeout=2)
ANSWER_BUTTONS = [
    {"title": "Types of DFO", "payload": '/faq{"faq_topic": "dfo_types"}'},
    {"title": "Talk to staff", "payload": "/request_human"},
]


def payload_bytes(name: str) -> bytes:
    """A stored webhook payload, byte for byte."""
    return (DATA / name).read_bytes()


def payload(name: str) -> Dict[str, Any]:
    """A stored webhook payload, decoded."""
    return json.loads(payload_bytes(name))


class RecordingAgent:
    """Stands in for Rasa's agent behind ``register``: records, then answers with buttons."""

    # No conversations are stored: the paused-conversation guard has nothing to check.
    tracker_store = None

    def __init__(self) -> None:
        self.messages: List[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        if message.text == "crash":
            raise RuntimeError("the assistant failed")
        # What Rasa's processor passes: extra keys reach the channel as kwargs.
        await message.output_channel.send_response(
            message.sender_id,
            {
                "text": "An answer.\n\nA second paragraph.",
                "buttons": [dict(button) for button in ANSWER_BUTTONS],
                "response": "utter_faq/dfo_what_is",
                "metadata": {"staff_name": "Nurse Ayesha"},
                "image": None,
                "elements": None,
            },
        )


class FailingAgentThatReadsRedFlags(RecordingAgent):
    """Fails every message; its NLU reads "blue toes" as urgent, like the model's rules."""

    def __init__(self, responses: Dict[str, List[Dict[str, Any]]]) -> None:
        super().__init__()
        self.domain = SimpleNamespace(responses=responses)

    def is_ready(self) -> bool:
        return True

    async def parse_message(self, text: str) -> Dict[str, Any]:
        if "blue" in text:
            return {
                "intent": {"name": URGENT_INTENT},
                "red_flags": ["cold_pale_or_numb_limb"],
                "text": text,
            }
        return {"intent": {"name": "faq"}, "red_flags": [], "text": text}

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        raise RuntimeError("the tracker store failed")


@dataclass
class Served:
    """A channel running in a Sanic app, with the agent that receives its messages."""

    url: str
    agent: RecordingAgent
    channel: Any
    http: aiohttp.ClientSession

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/{self.channel.name()}/webhook"

    async def post_whatsapp(
        self, body: bytes, signature: Optional[str] = "sign", secret: str = APP_SECRET
    ) -> aiohttp.ClientResponse:
        """POST ``body`` as Meta would; ``signature="sign"`` signs it with ``secret``."""
        headers = {"Content-Type": "application/json"}
        if signature == "sign":
            signature = signature_for(secret, body)
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        async with self.http.post(self.webhook, data=body, headers=headers) as answer:
            await answer.read()
            return answer


@asynccontextmanager
async def running(channel: InputChannel, agent: Any = None) -> AsyncIterator[Served]:
    """Serve ``channel`` at Rasa's real path (``/webhooks/<name>/webhook``)."""
    app = Sanic(f"channel_test_{uuid.uuid4().hex}")
    agent = agent or RecordingAgent()
    app.ctx.agent = agent
    register([channel], app, route="/webhooks/")
    async with serve(app) as url, aiohttp.ClientSession() as http:
        yield Served(url=url, agent=agent, channel=channel, http=http)


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let several Sanic apps start in one process (Sanic's own switch for tests)."""
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeApi]:
    api = await FakeApi().start()
    try:
        yield api
    finally:
        await api.stop()


@pytest.fixture
def whatsapp(fake_api: FakeApi) -> WhatsAppCloudInput:
    return WhatsAppCloudInput(
        verify_token=VERIFY_TOKEN,
        app_secret=APP_SECRET,
        access_token=ACCESS_TOKEN,
        phone_number_id=PHONE_NUMBER_ID,
        graph_api_url=f"{fake_api.url}/v21.0",
        dedupe=MemoryDedupe(),
        retry_policy=FAST,
    )


@pytest.fixture
async def whatsapp_server(whatsapp: WhatsAppCloudInput) -> AsyncIterator[Served]:
    async with running(whatsapp) as served:
        yield served


@pytest.fixture
def twilio(fake_api: FakeApi) -> TwilioWhatsAppInput:
    return TwilioWhatsAppInput(
        account_sid=TWILIO_SID,
        auth_token=TWILIO_TOKEN,
        twilio_number=TWILIO_NUMBER,
        webhook_url="https://clinic-bot.example.org/webhooks/twilio_whatsapp/webhook",
        api_url=fake_api.url,
        dedupe=MemoryDedupe(),
        retry_policy=FAST,
    )


@pytest.fixture
async def twilio_server(twilio: TwilioWhatsAppInput) -> AsyncIterator[Served]:
    async with running(twilio) as served:
        yield served
