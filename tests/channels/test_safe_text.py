"""Unencodable characters are replaced where each channel receives a message."""

from __future__ import annotations

import json

import pytest

from bot.channels.safe_text import replace_unencodable, replace_unencodable_in
from bot.channels.webchat import parse_user_message
from bot.channels.whatsapp import base
from bot.channels.whatsapp.twilio import TwilioWhatsAppInput
from tests.channels.conftest import TWILIO_PATIENT, RecordingAgent, Served, payload


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\ud800abc", "\ufffdabc"),
        ("abc\udbff", "abc\ufffd"),
        ("\udc00 chest pain", "\ufffd chest pain"),
        ("\ud800\ud800x", "\ufffd\ufffdx"),
        ("\ude00\ud83d", "\ufffd\ufffd"),
        # A correctly paired surrogate is the character it encodes.
        ("ok \ud83d\ude00", "ok \U0001f600"),
        ("বুকে ব্যথা \U0001f600", "বুকে ব্যথা \U0001f600"),
        ("", ""),
    ],
)
def test_unpaired_surrogates_become_the_replacement_character(raw: str, expected: str) -> None:
    cleaned = replace_unencodable(raw)
    assert cleaned == expected
    cleaned.encode("utf-8")  # never raises


def test_strings_inside_metadata_are_cleaned_and_the_rest_kept() -> None:
    metadata = {"note\udc00": ["a\ud800", 3, None], "nested": {"x": "\udfff"}, "n": 1.5}
    assert replace_unencodable_in(metadata) == {
        "note\ufffd": ["a\ufffd", 3, None],
        "nested": {"x": "\ufffd"},
        "n": 1.5,
    }


def test_the_webchat_boundary_replaces_surrogates() -> None:
    message, problem = parse_user_message(
        {"message": "\ud800 chest pain", "metadata": {"display_text": "\udc00hi"}}
    )
    assert problem is None
    assert message["text"] == "\ufffd chest pain"
    assert message["metadata"]["display_text"] == "\ufffdhi"


async def test_the_whatsapp_cloud_boundary_replaces_surrogates(whatsapp_server: Served) -> None:
    document = payload("text.json")
    document["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = "\ud800abc"
    # json.dumps writes the lone surrogate as the escape "\ud800", as a client could.
    body = json.dumps(document).encode("ascii")
    assert b"\\ud800abc" in body
    answer = await whatsapp_server.post_whatsapp(body)
    assert answer.status == 200
    await whatsapp_server.channel.wait_until_idle()
    [message] = whatsapp_server.agent.messages
    assert message.text == "\ufffdabc"


async def test_the_twilio_boundary_replaces_surrogates(twilio: TwilioWhatsAppInput) -> None:
    agent = RecordingAgent()
    inbound = base.Inbound(
        kind=base.TEXT,
        message_id="SM" + "2" * 32,
        wa_id=TWILIO_PATIENT,
        message_type="text",
        text="\udbffchest pain",
        display_text="\udbff",
    )
    try:
        await twilio.handle_message(inbound, agent.handle_message)
    finally:
        await twilio.client.close()
    [message] = agent.messages
    assert message.text == "\ufffdchest pain"
    assert message.metadata["display_text"] == "\ufffd"
