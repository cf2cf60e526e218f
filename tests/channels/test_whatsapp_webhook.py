"""The WhatsApp Cloud API channel over HTTP, as Meta calls it, against a fake Graph API."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from bot.channels.message_dedupe import MemoryDedupe
from bot.channels.whatsapp import base
from bot.channels.whatsapp import meta_messages as wp
from bot.channels.whatsapp.meta import (
    WhatsAppCloudInput,
    handshake_challenge,
    signature_for,
    signature_status,
)
from tests.channels.conftest import (
    ACCESS_TOKEN,
    APP_SECRET,
    FAST,
    PATIENT,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    Served,
    payload_bytes,
    running,
)
from tests.channels.servers import FakeApi

# ------------------------------------------------------------ handshake


async def verify(served: Served, **params: str):
    url = f"{served.url}/webhooks/whatsapp/webhook"
    async with served.http.get(url, params=params) as answer:
        return answer.status, await answer.text()


async def test_handshake_with_the_right_token_echoes_the_challenge(
    whatsapp_server: Served,
) -> None:
    status, text = await verify(
        whatsapp_server,
        **{
            "hub.mode": "subscribe",
            "hub.verify_token": VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        },
    )
    assert (status, text) == (200, "1158201444")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN[:-1], "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {},
    ],
)
async def test_handshake_with_anything_else_is_refused(whatsapp_server: Served, params) -> None:
    status, _ = await verify(whatsapp_server, **params)
    assert status == 403


def test_handshake_function_needs_a_configured_token() -> None:
    args = {"hub.mode": ["subscribe"], "hub.verify_token": [""], "hub.challenge": ["1"]}
    assert handshake_challenge(args, "") is None
    args["hub.verify_token"] = ["t"]
    assert handshake_challenge(args, "t") == "1"


# ------------------------------------------------------------ signatures


def test_signature_function() -> None:
    body = b'{"a": 1}'
    good = signature_for(APP_SECRET, body)
    assert good.startswith("sha256=") and len(good) == 7 + 64
    assert signature_status(APP_SECRET, body, good) is None
    assert signature_status(APP_SECRET, body, None) == 401
    assert signature_status(APP_SECRET, body, "") == 401
    assert signature_status(APP_SECRET, body, good.upper()) == 403
    assert signature_status(APP_SECRET, body + b" ", good) == 403
    assert signature_status("", body, signature_for("", body)) == 403


async def test_signed_text_reaches_the_assistant_and_the_answer_goes_to_meta(
    whatsapp_server: Served, fake_api: FakeApi
) -> None:
    answer = await whatsapp_server.post_whatsapp(payload_bytes("text.json"))
    assert answer.status == 200
    await whatsapp_server.channel.wait_until_idle()
    [message] = whatsapp_server.agent.messages
    assert message.text == "what is a VRO?"
    assert message.sender_id == PATIENT
    assert message.input_channel == "whatsapp"
    assert message.message_id.startswith("wamid.")
    assert message.metadata == {"message_type": "text", "sent_at": 1749416383}
    [request] = fake_api.requests
    assert request.path == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    sent = request.json
    assert sent["to"] == PATIENT and sent["type"] == "interactive"
    # Rasa's paragraphs stay in one message.
    assert sent["interactive"]["body"]["text"] == "An answer.\n\nA second paragraph."
    assert [b["reply"]["title"] for b in sent["interactive"]["action"]["buttons"]] == [
        "Types of DFO",
        "Talk to staff",
    ]


async def test_unsigned_post_is_refused_unread(whatsapp_server: Served) -> None:
    answer = await whatsapp_server.post_whatsapp(payload_bytes("text.json"), signature=None)
    assert answer.status == 401
    await whatsapp_server.channel.wait_until_idle()
    assert whatsapp_server.agent.messages == []


@pytest.mark.parametrize(
    ("signature", "secret"),
    [
        ("sha256=" + "0" * 64, APP_SECRET),
        ("sha256=nothex", APP_SECRET),
        ("sha1=abc", APP_SECRET),
        ("garbage", APP_SECRET),
        ("sign", "not-the-app-secret"),
    ],
)
async def test_forged_signatures_are_refused(
    whatsapp_server: Served, signature: str, secret: str
) -> None:
    answer = await whatsapp_server.post_whatsapp(
        payload_bytes("text.json"), signature=signature, secret=secret
    )
    assert answer.status == 403
    await whatsapp_server.channel.wait_until_idle()
    assert whatsapp_server.agent.messages == []


async def test_signature_of_another_body_is_refused(whatsapp_server: Served) -> None:
    other = signature_for(APP_SECRET, payload_bytes("image.json"))
    answer = await whatsapp_server.post_whatsapp(payload_bytes("text.json"), signature=other)
    assert answer.status == 403


async def test_reformatted_body_no_longer_matches(whatsapp_server: Served) -> None:
    # The signature covers the raw bytes: the same JSON re-serialised is refused.
    raw = payload_bytes("text.json")
    compact = json.dumps(json.loads(raw)).encode()
    answer = await whatsapp_server.post_whatsapp(compact, signature=signature_for(APP_SECRET, raw))
    assert answer.status == 403


# ------------------------------------------------------ unconfigured


@pytest.mark.parametrize("missing", ["app_secret", "access_token", "phone_number_id"])
async def test_unconfigured_channel_refuses_every_post(fake_api: FakeApi, missing: str) -> None:
    settings = {
        "verify_token": VERIFY_TOKEN,
        "app_secret": APP_SECRET,
        "access_token": ACCESS_TOKEN,
        "phone_number_id": PHONE_NUMBER_ID,
        missing: "",
    }
    channel = WhatsAppCloudInput(**settings, graph_api_url=fake_api.url)
    assert channel.get_output_channel() is None
    async with running(channel) as served:
        for signature in ("sign", None, "sha256=00"):
            answer = await served.post_whatsapp(payload_bytes("text.json"), signature=signature)
            assert answer.status == 503
        async with served.http.post(served.webhook, data=b"x") as answer:
            assert answer.status == 503
            assert (await answer.json())["error"] == "whatsapp_not_configured"
        assert served.agent.messages == []


async def test_empty_app_secret_fails_the_handshake(fake_api: FakeApi) -> None:
    channel = WhatsAppCloudInput(verify_token=VERIFY_TOKEN, graph_api_url=fake_api.url)
    async with running(channel) as served:
        params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"}
        status, _ = await verify(served, **params)
        assert status == 403


def test_from_credentials_with_empty_values_is_switched_off() -> None:
    channel = WhatsAppCloudInput.from_credentials(
        {"verify_token": "", "app_secret": None, "graph_api_url": ""}
    )
    assert not channel.configured
    assert channel.client.base_url == "https://graph.facebook.com/v21.0"
    assert WhatsAppCloudInput.from_credentials(None).name() == "whatsapp"


# ----------------------------------------------------------- payloads


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("interactive_button_reply.json", "/request_human"),
        ("interactive_list_reply.json", '/faq{"faq_topic": "dfo_types"}'),
        ("template_button_reply.json", "Yes, call me"),
    ],
)
async def test_taps_send_their_payload(whatsapp_server: Served, name: str, text: str) -> None:
    assert (await whatsapp_server.post_whatsapp(payload_bytes(name))).status == 200
    await whatsapp_server.channel.wait_until_idle()
    assert [m.text for m in whatsapp_server.agent.messages] == [text]


@pytest.mark.parametrize(
    "name", ["image.json", "audio.json", "location.json", "sticker.json", "unknown_type.json"]
)
async def test_non_text_gets_one_polite_reply_without_the_assistant(
    whatsapp_server: Served, fake_api: FakeApi, name: str
) -> None:
    assert (await whatsapp_server.post_whatsapp(payload_bytes(name))).status == 200
    await whatsapp_server.channel.wait_until_idle()
    assert whatsapp_server.agent.messages == []
    assert fake_api.graph_messages() == [wp.text_payload(PATIENT, base.TEXT_ONLY_REPLY)]


@pytest.mark.parametrize(
    "name",
    [
        "reaction.json",
        "status_delivered.json",
        "status_failed.json",
        "empty_entry.json",
        "empty_changes.json",
    ],
)
async def test_nothing_to_answer_is_accepted_quietly(
    whatsapp_server: Served, fake_api: FakeApi, name: str
) -> None:
    assert (await whatsapp_server.post_whatsapp(payload_bytes(name))).status == 200
    await whatsapp_server.channel.wait_until_idle()
    assert whatsapp_server.agent.messages == [] and fake_api.requests == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        bytes(range(256)) * 4,
        b"\xff\xfe\x00{",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["malformed", "empty", "binary", "bad-utf", "deeply-nested"],
)
async def test_signed_garbage_is_a_bad_request(whatsapp_server: Served, body: bytes) -> None:
    answer = await whatsapp_server.post_whatsapp(body)
    assert answer.status == 400
    assert answer.content_type == "application/json"


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"12", b"null", b'{"object": "page"}'])
async def test_signed_json_of_an_unknown_shape_gets_200(whatsapp_server: Served, body) -> None:
    assert (await whatsapp_server.post_whatsapp(body)).status == 200


async def test_huge_body_is_refused(whatsapp_server: Served) -> None:
    huge = b'{"object": "whatsapp_business_account", "x": "' + b"a" * (4 * 1024 * 1024) + b'"}'
    assert (await whatsapp_server.post_whatsapp(huge)).status == 413
    assert (await whatsapp_server.post_whatsapp(huge, signature=None)).status == 401


# --------------------------------------------------- robustness, duplicates


async def test_the_same_message_twice_is_handled_once(
    whatsapp_server: Served, fake_api: FakeApi
) -> None:
    body = payload_bytes("text.json")
    first, second = await asyncio.gather(
        whatsapp_server.post_whatsapp(body), whatsapp_server.post_whatsapp(body)
    )
    third = await whatsapp_server.post_whatsapp(body)
    assert first.status == second.status == third.status == 200
    await whatsapp_server.channel.wait_until_idle()
    assert len(whatsapp_server.agent.messages) == 1
    assert len(fake_api.requests) == 1


async def test_a_failing_message_does_not_lose_the_next_one(
    whatsapp_server: Served, fake_api: FakeApi
) -> None:
    answer = await whatsapp_server.post_whatsapp(payload_bytes("two_messages.json"))
    assert answer.status == 200
    await whatsapp_server.channel.wait_until_idle()
    assert [m.text for m in whatsapp_server.agent.messages] == [
        "crash",
        "how long is the cast on?",
    ]
    assert [m["to"] for m in fake_api.graph_messages()] == ["8801711000002"]


async def test_graph_api_down_still_answers_meta_200(
    whatsapp_server: Served, fake_api: FakeApi
) -> None:
    fake_api.fail_next(20, status=503)
    answer = await whatsapp_server.post_whatsapp(payload_bytes("text.json"))
    assert answer.status == 200
    await whatsapp_server.channel.wait_until_idle()
    assert len(fake_api.requests) == FAST.attempts


async def test_meta_gets_its_answer_before_the_assistant_finishes(fake_api: FakeApi) -> None:
    channel = WhatsAppCloudInput(
        verify_token=VERIFY_TOKEN,
        app_secret=APP_SECRET,
        access_token=ACCESS_TOKEN,
        phone_number_id=PHONE_NUMBER_ID,
        graph_api_url=fake_api.url,
        dedupe=MemoryDedupe(),
        retry_policy=FAST,
    )
    async with running(channel) as served:
        fake_api.delay = 1.0
        answer = await asyncio.wait_for(
            served.post_whatsapp(payload_bytes("text.json")), timeout=0.8
        )
        assert answer.status == 200
        await channel.wait_until_idle()
        assert len(fake_api.requests) == 1


async def test_logs_hold_no_phone_number_or_message_text(
    whatsapp_server: Served, fake_api: FakeApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_api.fail_next(1, status=500)
    fake_api.fail_next(1, status=400, body={"error": {"code": 131030, "message": PATIENT}})
    for name in ("text.json", "image.json", "two_messages.json", "status_failed.json"):
        await whatsapp_server.post_whatsapp(payload_bytes(name))
    await whatsapp_server.post_whatsapp(payload_bytes("text.json"), signature="sha256=00")
    await whatsapp_server.channel.wait_until_idle()
    logged = caplog.text
    assert "whatsapp.message" in logged and "graph_api.send_failed" in logged
    assert "131047" in logged
    for secret in (PATIENT, "8801711000002", "what is a VRO", "cast on", "wamid.", ACCESS_TOKEN):
        assert secret not in logged


async def test_health_says_whether_whatsapp_is_configured(whatsapp_server: Served) -> None:
    async with whatsapp_server.http.get(f"{whatsapp_server.url}/webhooks/whatsapp/") as answer:
        assert await answer.json() == {"status": "ok", "configured": True}
