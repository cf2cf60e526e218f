"""WhatsApp through Twilio: signatures, the webhook, replies through a fake Twilio API."""

from __future__ import annotations

import base64
import logging
import urllib.parse
from typing import Any, Dict, List, Optional

import aiohttp
import pytest
from twilio.request_validator import RequestValidator

from bot.channels.whatsapp import base
from bot.channels.whatsapp.twilio import (
    EMPTY_TWIML,
    NUMBER_PROMPT,
    RecentChoices,
    TwilioClient,
    TwilioWhatsAppInput,
    TwilioWhatsAppOutput,
    chosen_number,
    numbered_text,
    parse_form,
    parse_twilio_form,
    signature_valid,
    signed_url,
    twilio_signature,
    whatsapp_address,
)
from tests.channels.conftest import (
    FAST,
    TWILIO_NUMBER,
    TWILIO_PATIENT,
    TWILIO_SID,
    TWILIO_TOKEN,
    FailingAgentThatReadsRedFlags,
    Served,
    running,
)
from tests.channels.servers import FakeApi
from tests.conftest import text_of

PUBLIC_URL = "https://clinic-bot.example.org/webhooks/twilio_whatsapp/webhook"


def inbound_form(**overrides: str) -> Dict[str, str]:
    """The parameters Twilio posts for an incoming WhatsApp text."""
    form = {
        "SmsMessageSid": "SM0f5a6c5a0f2e4b4c9b1a3e2d1c0b9a81",
        "NumMedia": "0",
        "ProfileName": "Rahima",
        "MessageType": "text",
        "SmsSid": "SM0f5a6c5a0f2e4b4c9b1a3e2d1c0b9a81",
        "WaId": "8801711000001",
        "SmsStatus": "received",
        "Body": "what is a VRO?",
        "To": TWILIO_NUMBER,
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": "SM0f5a6c5a0f2e4b4c9b1a3e2d1c0b9a81",
        "AccountSid": TWILIO_SID,
        "From": TWILIO_PATIENT,
        "ApiVersion": "2010-04-01",
    }
    form.update(overrides)
    return form


async def post_twilio(
    served: Served,
    form: Dict[str, str],
    signature: Optional[str] = "sign",
    url: str = PUBLIC_URL,
    token: str = TWILIO_TOKEN,
) -> aiohttp.ClientResponse:
    """POST ``form`` to the channel as Twilio would, signed for the public ``url``."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature == "sign":
        signature = twilio_signature(token, url, {k: [v] for k, v in form.items()})
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    body = urllib.parse.urlencode(form)
    async with served.http.post(served.webhook, data=body, headers=headers) as answer:
        await answer.read()
        return answer


# ------------------------------------------------------------ signatures


def test_signature_matches_twilios_documented_example() -> None:
    # Twilio's "Webhooks security" page: this URL, these parameters, auth token 12345.
    params = {
        "CallSid": ["CA1234567890ABCDE"],
        "Caller": ["+12349013030"],
        "Digits": ["1234"],
        "From": ["+12349013030"],
        "To": ["+18005551212"],
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_signature_matches_twilios_own_library() -> None:
    form = inbound_form(Body="কখন হাঁটতে পারবে? & more")
    expected = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC_URL, form)
    assert twilio_signature(TWILIO_TOKEN, PUBLIC_URL, {k: [v] for k, v in form.items()}) == expected
    assert base64.b64decode(expected)


def test_signature_checks() -> None:
    params = {k: [v] for k, v in inbound_form().items()}
    good = twilio_signature(TWILIO_TOKEN, PUBLIC_URL, params)
    assert signature_valid(TWILIO_TOKEN, PUBLIC_URL, params, good)
    # Twilio may sign the URL with its default port.
    with_port = PUBLIC_URL.replace(".org/", ".org:443/")
    assert signature_valid(
        TWILIO_TOKEN, PUBLIC_URL, params, twilio_signature(TWILIO_TOKEN, with_port, params)
    )
    assert not signature_valid(TWILIO_TOKEN, PUBLIC_URL, params, good[:-2] + "A=")
    assert not signature_valid("other-token", PUBLIC_URL, params, good)
    assert not signature_valid(TWILIO_TOKEN, PUBLIC_URL + "x", params, good)
    assert not signature_valid("", PUBLIC_URL, params, twilio_signature("", PUBLIC_URL, params))
    assert not signature_valid(TWILIO_TOKEN, PUBLIC_URL, {**params, "Body": ["other"]}, good)


def test_signed_url_is_the_public_one() -> None:
    local = "http://127.0.0.1:5005/webhooks/twilio_whatsapp/webhook"
    assert signed_url(PUBLIC_URL, local, "") == PUBLIC_URL
    assert signed_url(PUBLIC_URL, local, "a=1") == PUBLIC_URL + "?a=1"
    assert signed_url("", local + "?a=1", "a=1") == local + "?a=1"


def test_form_parsing_keeps_empty_values_and_refuses_garbage() -> None:
    assert parse_form(b"Body=&NumMedia=1") == {"Body": [""], "NumMedia": ["1"]}
    with pytest.raises(ValueError):
        parse_form(b"\xff\xfe")
    with pytest.raises(ValueError):
        parse_form("&".join(f"k{i}=v" for i in range(1000)).encode())


# ----------------------------------------------------------- plain parts


def test_incoming_forms() -> None:
    text = parse_twilio_form({k: [v] for k, v in inbound_form().items()})
    assert (text.kind, text.text, text.wa_id) == (base.TEXT, "what is a VRO?", TWILIO_PATIENT)
    media = parse_twilio_form(
        {k: [v] for k, v in inbound_form(Body="", NumMedia="1", MessageType="image").items()}
    )
    assert (media.kind, media.message_type) == (base.UNSUPPORTED, "image")
    captioned = parse_twilio_form({k: [v] for k, v in inbound_form(NumMedia="1").items()})
    assert captioned.kind == base.TEXT
    button = parse_twilio_form(
        {
            k: [v]
            for k, v in inbound_form(ButtonPayload="/request_human", ButtonText="Staff").items()
        }
    )
    assert (button.text, button.display_text) == ("/request_human", "Staff")
    status_callback = {"MessageSid": ["SM1"], "MessageStatus": ["delivered"], "From": ["x"]}
    assert parse_twilio_form(status_callback) is None
    assert parse_twilio_form({"Body": ["hi"]}) is None


def test_addresses() -> None:
    assert whatsapp_address("whatsapp:+8801711000001") == "whatsapp:+8801711000001"
    assert whatsapp_address("+8801711000001") == "whatsapp:+8801711000001"
    assert whatsapp_address("8801711000001") == "whatsapp:+8801711000001"


def test_buttons_become_a_numbered_list() -> None:
    choices = base.choices_from_buttons(
        [{"title": "Types of DFO", "payload": "/a"}, {"title": "Talk to staff", "payload": "/b"}]
    )
    assert numbered_text("Answer.", choices) == (
        f"Answer.\n\n1. Types of DFO\n2. Talk to staff\n\n{NUMBER_PROMPT}"
    )


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2", 2),
        (" 2 ", 2),
        ("2.", 2),
        ("২", 2),
        ("১০", 10),
        ("two", None),
        ("123", None),
        ("", None),
    ],
)
def test_chosen_numbers(text: str, number: Optional[int]) -> None:
    assert chosen_number(text) == number


def test_recent_choices_expire() -> None:
    now = [0.0]
    choices = RecentChoices(ttl_seconds=10, clock=lambda: now[0])
    choices.remember(TWILIO_PATIENT, [base.Choice("/a", "A"), base.Choice("/b", "B")])
    assert choices.resolve(TWILIO_PATIENT, "2") == base.Choice("/b", "B")
    assert choices.resolve(TWILIO_PATIENT, "3") is None
    assert choices.resolve("whatsapp:+other", "1") is None
    now[0] = 11
    assert choices.resolve(TWILIO_PATIENT, "1") is None


# --------------------------------------------------------------- webhook


async def test_signed_message_reaches_the_assistant_and_the_answer_goes_to_twilio(
    twilio_server: Served, fake_api: FakeApi
) -> None:
    answer = await post_twilio(twilio_server, inbound_form())
    assert answer.status == 200
    assert answer.content_type == "text/xml"
    async with twilio_server.http.post(
        twilio_server.webhook,
        data=urllib.parse.urlencode(inbound_form(MessageSid="SM2", SmsMessageSid="SM2")),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": twilio_signature(
                TWILIO_TOKEN,
                PUBLIC_URL,
                {k: [v] for k, v in inbound_form(MessageSid="SM2", SmsMessageSid="SM2").items()},
            ),
        },
    ) as second:
        assert await second.text() == EMPTY_TWIML
    await twilio_server.channel.wait_until_idle()
    message = twilio_server.agent.messages[0]
    assert (message.text, message.sender_id, message.input_channel) == (
        "what is a VRO?",
        TWILIO_PATIENT,
        "twilio_whatsapp",
    )
    assert message.message_id == "SM0f5a6c5a0f2e4b4c9b1a3e2d1c0b9a81"
    request = fake_api.requests[0]
    assert request.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    auth = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {auth}"
    sent = request.form
    assert (sent["To"], sent["From"]) == (TWILIO_PATIENT, TWILIO_NUMBER)
    assert sent["Body"] == (
        f"An answer.\n\nA second paragraph.\n\n1. Types of DFO\n2. Talk to staff\n\n{NUMBER_PROMPT}"
    )


async def test_a_number_reply_picks_the_button(twilio_server: Served, fake_api: FakeApi) -> None:
    await post_twilio(twilio_server, inbound_form())
    await twilio_server.channel.wait_until_idle()
    await post_twilio(twilio_server, inbound_form(Body="২", MessageSid="SM3", SmsMessageSid="SM3"))
    await twilio_server.channel.wait_until_idle()
    picked = twilio_server.agent.messages[-1]
    assert picked.text == "/request_human"
    assert picked.metadata["display_text"] == "Talk to staff"


async def test_unsigned_and_forged_posts_are_refused(twilio_server: Served) -> None:
    assert (await post_twilio(twilio_server, inbound_form(), signature=None)).status == 401
    assert (await post_twilio(twilio_server, inbound_form(), signature="bm90IGl0")).status == 403
    wrong_token = await post_twilio(twilio_server, inbound_form(), token="f" * 32)
    assert wrong_token.status == 403
    # Signed for the local address instead of the public one Twilio calls.
    local = await post_twilio(twilio_server, inbound_form(), url=twilio_server.webhook)
    assert local.status == 403
    await twilio_server.channel.wait_until_idle()
    assert twilio_server.agent.messages == []


async def test_unreadable_and_huge_bodies_are_refused(twilio_server: Served) -> None:
    headers = {"X-Twilio-Signature": "x", "Content-Type": "application/x-www-form-urlencoded"}
    async with twilio_server.http.post(
        twilio_server.webhook, data=b"\xff\xfe", headers=headers
    ) as a:
        assert a.status == 400
    async with twilio_server.http.post(
        twilio_server.webhook, data=b"Body=" + b"a" * 100_000, headers=headers
    ) as a:
        assert a.status == 413


async def test_without_auth_token_every_post_is_refused(fake_api: FakeApi) -> None:
    channel = TwilioWhatsAppInput(
        account_sid=TWILIO_SID, auth_token="", twilio_number=TWILIO_NUMBER, api_url=fake_api.url
    )
    assert channel.get_output_channel() is None
    async with running(channel) as served:
        answer = await post_twilio(served, inbound_form(), token="")
        assert answer.status == 503
        assert served.agent.messages == []


async def test_media_without_text_gets_the_text_only_reply(
    twilio_server: Served, fake_api: FakeApi
) -> None:
    form = inbound_form(
        Body="",
        NumMedia="1",
        MessageType="image",
        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME",
        MediaContentType0="image/jpeg",
    )
    assert (await post_twilio(twilio_server, form)).status == 200
    await twilio_server.channel.wait_until_idle()
    assert twilio_server.agent.messages == []
    assert [m["Body"] for m in fake_api.twilio_messages()] == [base.TEXT_ONLY_REPLY]


async def test_the_same_message_sid_is_handled_once(
    twilio_server: Served, fake_api: FakeApi
) -> None:
    for _ in range(3):
        assert (await post_twilio(twilio_server, inbound_form())).status == 200
    await twilio_server.channel.wait_until_idle()
    assert len(twilio_server.agent.messages) == 1 and len(fake_api.requests) == 1


async def test_a_crash_is_logged_without_text_or_number(
    twilio_server: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert (await post_twilio(twilio_server, inbound_form(Body="crash"))).status == 200
    await twilio_server.channel.wait_until_idle()
    assert "twilio.message_failed" in caplog.text
    assert "8801711000001" not in caplog.text and "crash" not in caplog.text.replace(
        "twilio.message_failed", ""
    )


async def test_a_red_flag_whose_handling_fails_still_gets_the_urgent_reply(
    twilio: TwilioWhatsAppInput, fake_api: FakeApi, responses: Dict[str, List[Dict[str, Any]]]
) -> None:
    agent = FailingAgentThatReadsRedFlags(responses)
    async with running(twilio, agent) as served:
        urgent = inbound_form(Body="his toes are blue", MessageSid="SM" + "1" * 32)
        ordinary = inbound_form(Body="what is a DFO", MessageSid="SM" + "2" * 32)
        for form in (urgent, ordinary):
            assert (await post_twilio(served, form)).status == 200
        await twilio.wait_until_idle()
    assert len(agent.messages) == 2
    sent = [m["Body"] for m in fake_api.twilio_messages()]
    assert sent == [text_of(responses, "utter_urgent_care")]


# ---------------------------------------------------------------- output


async def test_output_splits_long_texts_and_passes_templates(fake_api: FakeApi) -> None:
    client = TwilioClient(TWILIO_SID, TWILIO_TOKEN, "+14155238886", fake_api.url, FAST)
    output = TwilioWhatsAppOutput(client)
    await output.send_text_message("8801711000001", "word " * 700)
    await output.send_custom_json(
        TWILIO_PATIENT, {"twilio": {"ContentSid": "HX123", "ContentVariables": '{"1": "x"}'}}
    )
    await output.send_custom_json(TWILIO_PATIENT, {"whatsapp": {"type": "text"}})
    await client.close()
    sent = fake_api.twilio_messages()
    assert [len(m.get("Body", "")) <= 1600 for m in sent] == [True, True, True, True]
    assert sent[0]["To"] == TWILIO_PATIENT and sent[0]["From"] == TWILIO_NUMBER
    assert sent[-1]["ContentSid"] == "HX123" and "Body" not in sent[-1]


async def test_twilio_errors_are_retried_then_reported(fake_api: FakeApi) -> None:
    client = TwilioClient(TWILIO_SID, TWILIO_TOKEN, TWILIO_NUMBER, fake_api.url, FAST)
    fake_api.fail_next(1, status=503)
    assert (await client.send(TWILIO_PATIENT, {"Body": "x"})).ok
    fake_api.fail_next(1, status=400, body={"code": 63016, "message": "outside window"})
    result = await client.send(TWILIO_PATIENT, {"Body": "x"})
    await client.close()
    assert (result.ok, result.status, result.error_code) == (False, 400, 63016)


async def test_staff_replies_are_labelled(fake_api: FakeApi) -> None:
    client = TwilioClient(TWILIO_SID, TWILIO_TOKEN, TWILIO_NUMBER, fake_api.url, FAST)
    output = TwilioWhatsAppOutput(client)
    await output.send_response(
        TWILIO_PATIENT, {"text": "We will call you.", "staff": True, "staff_name": "Ayesha"}
    )
    await client.close()
    [sent] = fake_api.twilio_messages()
    assert sent["Body"] == "*Ayesha* (clinic staff / ক্লিনিকের কর্মী):\nWe will call you."
