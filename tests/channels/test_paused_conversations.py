"""While staff have a conversation (Rasa paused), red flags still get the urgent-care message.

Both WhatsApp channels call ``bot.channels.paused_guard`` after each message,
as the web widget's channel does.
"""

from __future__ import annotations

import urllib.parse
from typing import Any, List, Tuple

import pytest
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ConversationPaused, UserUttered

from bot.channels.whatsapp.meta import WhatsAppCloudInput
from bot.channels.whatsapp.twilio import TwilioWhatsAppInput, twilio_signature
from tests.channels.conftest import (
    PATIENT,
    TWILIO_PATIENT,
    TWILIO_TOKEN,
    payload_bytes,
    running,
)
from tests.channels.servers import FakeApi

URGENT_TEXT = "Please go to the nearest emergency department now."


class PausedAgent:
    """Rasa's agent for a conversation staff have taken over: it records, predicts nothing."""

    def __init__(self, urgent: bool) -> None:
        self.domain = Domain.empty()
        self.tracker_store = InMemoryTrackerStore(self.domain)
        self.lock_store = InMemoryLockStore()
        self.urgent = urgent
        self.actions: List[Tuple[str, str]] = []

    async def handle_message(self, message: UserMessage) -> None:
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(ConversationPaused())
        intent = "urgent_symptoms" if self.urgent else "faq"
        tracker.update(UserUttered(message.text, intent={"name": intent, "confidence": 1.0}))
        await self.tracker_store.save(tracker)

    async def execute_action(
        self, sender_id: str, action: str, output: OutputChannel, *args: Any
    ) -> None:
        self.actions.append((sender_id, action))
        await output.send_text_message(sender_id, URGENT_TEXT)


@pytest.mark.parametrize("urgent", [True, False])
async def test_whatsapp_red_flags_reach_the_patient_while_paused(
    whatsapp: WhatsAppCloudInput, fake_api: FakeApi, urgent: bool
) -> None:
    agent = PausedAgent(urgent)
    async with running(whatsapp, agent) as served:
        assert (await served.post_whatsapp(payload_bytes("text.json"))).status == 200
        await whatsapp.wait_until_idle()
    if urgent:
        assert agent.actions == [(PATIENT, "action_urgent_care")]
        assert [m["text"]["body"] for m in fake_api.graph_messages()] == [URGENT_TEXT]
    else:
        assert agent.actions == [] and fake_api.requests == []


async def test_twilio_red_flags_reach_the_patient_while_paused(
    twilio: TwilioWhatsAppInput, fake_api: FakeApi
) -> None:
    agent = PausedAgent(urgent=True)
    form = {"MessageSid": "SM9", "From": TWILIO_PATIENT, "Body": "toes are blue", "NumMedia": "0"}
    params = {key: [value] for key, value in form.items()}
    signature = twilio_signature(TWILIO_TOKEN, twilio.webhook_url, params)
    async with running(twilio, agent) as served:
        async with served.http.post(
            served.webhook,
            data=urllib.parse.urlencode(form),
            headers={
                "X-Twilio-Signature": signature,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        ) as answer:
            assert answer.status == 200
        await twilio.wait_until_idle()
    assert agent.actions == [(TWILIO_PATIENT, "action_urgent_care")]
    assert [m["Body"] for m in fake_api.twilio_messages()] == [URGENT_TEXT]
