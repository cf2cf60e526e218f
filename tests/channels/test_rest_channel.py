"""The REST channel: request checks as plain functions, then the channel over HTTP."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa.core.run import create_http_input_channels

from bot.channels.rest import ClinicRestInput
from bot.channels.rest_request import (
    MAX_BODY_BYTES,
    MAX_MESSAGE_CHARS,
    MAX_SENDER_CHARS,
    Refusal,
    RestMessage,
    access_refusal,
    parse_rest_body,
    token_from,
)
from bot.nlu.input_guard import MAX_SCAN_CHARS
from bot.session_tokens import issue_session
from bot.settings import get_settings, load_settings
from tests.channels.conftest import FailingAgentThatReadsRedFlags, Served, running
from tests.conftest import PROJECT_ROOT, text_of
from tests.utils.environments import PRODUCTION
from tests.utils.stack import AssistantStack

TOKEN = "rest-token-7f3a9c2e5b1d4f60a8c2"
WIDGET_SECRET = "widget-secret-for-the-rest-channel-tests"


def body(**fields: Any) -> bytes:
    return json.dumps(fields).encode("utf-8")


# ------------------------------------------------------------ plain checks


@pytest.mark.parametrize(
    ("raw", "status", "error"),
    [
        (b"", 400, "body_missing"),
        (b"  \n", 400, "body_missing"),
        (b"{not json", 400, "invalid_json"),
        (b"\xff\xfe\x00", 400, "invalid_json"),
        (b"[]", 400, "body_not_object"),
        (b'["hi"]', 400, "body_not_object"),
        (b'"hello"', 400, "body_not_object"),
        (b"42", 400, "body_not_object"),
        (b"null", 400, "body_not_object"),
        (body(message="hi"), 400, "sender_missing"),
        (body(sender=None, message="hi"), 400, "sender_missing"),
        (body(sender="", message="hi"), 400, "sender_missing"),
        (body(sender=12345, message="hi"), 400, "sender_invalid"),
        (body(sender=["a"], message="hi"), 400, "sender_invalid"),
        (body(sender="a" * 100_000, message="hi"), 400, "sender_too_long"),
        (body(sender="a" * (MAX_SENDER_CHARS + 1), message="hi"), 400, "sender_too_long"),
        (body(sender="has space", message="hi"), 400, "sender_invalid"),
        (body(sender="a/b", message="hi"), 400, "sender_invalid"),
        (body(sender="ünï", message="hi"), 400, "sender_invalid"),
        (body(sender="a\ud800", message="hi"), 400, "sender_invalid"),
        (body(sender="a\nb", message="hi"), 400, "sender_invalid"),
        (body(sender="tester"), 400, "message_missing"),
        (body(sender="tester", message=None), 400, "message_missing"),
        (body(sender="tester", message=["hi"]), 400, "message_not_text"),
        (body(sender="tester", message=42), 400, "message_not_text"),
        (body(sender="tester", message={"text": "hi"}), 400, "message_not_text"),
        (body(sender="tester", message=True), 400, "message_not_text"),
        (body(sender="tester", message="x" * (MAX_MESSAGE_CHARS + 1)), 400, "message_too_long"),
        (body(sender="tester", message="hi", metadata="x"), 400, "metadata_invalid"),
        (body(sender="tester", message="hi", metadata=[1]), 400, "metadata_invalid"),
        (body(sender="t", message="hi", metadata={"x": "y" * 5000}), 400, "metadata_too_large"),
    ],
    ids=lambda value: value[:40].decode("utf-8", "replace") if isinstance(value, bytes) else None,
)
def test_bad_input_is_refused_with_an_error_code(raw: bytes, status: int, error: str) -> None:
    assert parse_rest_body(raw) == Refusal(status, error)


def test_an_oversized_body_is_refused_unread() -> None:
    padded = b'{"sender": "tester", "message": "hi"' + b" " * MAX_BODY_BYTES + b"}"
    assert parse_rest_body(padded) == Refusal(413, "body_too_large")


@pytest.mark.parametrize(
    "sender",
    [
        issue_session(WIDGET_SECRET).session_id,  # a widget session
        "0123456789abcdef0123456789ABCDEF",
        "8801711000001",  # a WhatsApp Cloud wa_id
        "+8801711000001",
        "whatsapp:+8801711000001",  # a Twilio WhatsApp conversation
        "WhatsApp:+8801711000001",
        "whatsapp:anything",
    ],
)
def test_senders_of_other_channels_are_forbidden(sender: str) -> None:
    assert parse_rest_body(body(sender=sender, message="hi")) == Refusal(403, "sender_reserved")


def test_a_valid_message_is_read_with_its_metadata() -> None:
    parsed = parse_rest_body(
        body(sender="web-1.a_B", message="what is a VRO", metadata={"k": "v"}, input_channel="x")
    )
    assert parsed == RestMessage(sender="web-1.a_B", text="what is a VRO", metadata={"k": "v"})


def test_the_message_limit_is_the_input_guards_and_a_long_message_is_accepted() -> None:
    assert MAX_MESSAGE_CHARS == MAX_SCAN_CHARS
    parsed = parse_rest_body(body(sender="tester", message="ব্যথা" * (MAX_MESSAGE_CHARS // 5)))
    assert isinstance(parsed, RestMessage)
    assert parse_rest_body(body(sender="tester", message="")) == RestMessage("tester", "", {})


def test_lone_surrogates_in_the_message_are_replaced() -> None:
    parsed = parse_rest_body(
        body(sender="tester", message="\ud800abc", metadata={"note": "\udc00"})
    )
    assert parsed == RestMessage("tester", "\ufffdabc", {"note": "\ufffd"})


@pytest.mark.parametrize(
    ("expected", "production", "given", "refusal"),
    [
        ("", False, None, None),
        ("", False, "anything", None),
        ("", True, None, Refusal(403, "rest_channel_disabled")),
        ("", True, TOKEN, Refusal(403, "rest_channel_disabled")),
        (TOKEN, True, TOKEN, None),
        (TOKEN, False, TOKEN, None),
        (TOKEN, True, None, Refusal(401, "token_missing")),
        (TOKEN, False, "", Refusal(401, "token_missing")),
        (TOKEN, True, TOKEN[:-1], Refusal(403, "token_invalid")),
        (TOKEN, True, TOKEN + "x", Refusal(403, "token_invalid")),
        (TOKEN, True, "ünïcode", Refusal(403, "token_invalid")),
    ],
)
def test_access_needs_the_token_and_is_off_in_production_without_one(
    expected: str, production: bool, given: Optional[str], refusal: Optional[Refusal]
) -> None:
    assert access_refusal(expected, production, given) == refusal


def test_the_token_comes_from_a_bearer_header_or_the_query() -> None:
    assert token_from(f"Bearer {TOKEN}", None) == TOKEN
    assert token_from(f"bearer  {TOKEN} ", "other") == TOKEN
    assert token_from(None, TOKEN) == TOKEN
    assert token_from("Basic abc", None) is None
    assert token_from(None, "") is None


def test_production_refuses_a_weak_rest_token() -> None:
    assert load_settings({**PRODUCTION, "REST_CHANNEL_TOKEN": TOKEN}).rest_channel_token == TOKEN
    assert load_settings(PRODUCTION).rest_channel_token == ""
    with pytest.raises(ValueError, match="REST_CHANNEL_TOKEN"):
        load_settings({**PRODUCTION, "REST_CHANNEL_TOKEN": "short"})


@pytest.mark.parametrize(
    ("environment", "production"),
    [({"CLINIC_ENV": "test"}, False), ({**PRODUCTION, "CLINIC_ENV": "production"}, True)],
)
def test_the_channel_reads_its_token_and_environment_from_the_settings(
    monkeypatch: pytest.MonkeyPatch, environment: Dict[str, str], production: bool
) -> None:
    for name, value in {**environment, "REST_CHANNEL_TOKEN": TOKEN}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        channel = ClinicRestInput.from_credentials(None)
    finally:
        get_settings.cache_clear()
    assert isinstance(channel, ClinicRestInput)
    assert (channel.token, channel.production, channel.name()) == (TOKEN, production, "rest")


# ------------------------------------------------------------ over HTTP


async def post(
    served: Served, raw: bytes, headers: Optional[Dict[str, str]] = None, **params: str
) -> tuple:
    async with served.http.post(
        served.webhook, data=raw, headers=headers or {}, params=params
    ) as answer:
        return answer.status, await answer.json(content_type=None)


async def test_bad_input_over_http_is_a_400_and_reaches_nobody(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(ClinicRestInput()) as served:
        for raw in (b"", b"[]", b'"hello"', body(sender="tester", message=["a"])):
            assert (await post(served, raw))[0] == 400
        assert await post(served, body(message="hi")) == (400, {"error": "sender_missing"})
        assert await post(served, body(sender="tester", message=None)) == (
            400,
            {"error": "message_missing"},
        )
        assert served.agent.messages == []
    assert "tester" not in caplog.text


async def test_a_valid_message_is_answered_as_rest_whatever_channel_the_client_names() -> None:
    async with running(ClinicRestInput()) as served:
        status, replies = await post(
            served, body(sender="tester", message="\ud800hi", input_channel="whatsapp")
        )
        assert status == 200
        assert replies[0]["recipient_id"] == "tester"
        assert replies[0]["text"] == "An answer.\n\nA second paragraph."
        [message] = served.agent.messages
        assert (message.sender_id, message.text, message.input_channel) == (
            "tester",
            "\ufffdhi",
            "rest",
        )


async def test_reserved_senders_are_forbidden_over_http() -> None:
    async with running(ClinicRestInput()) as served:
        widget = issue_session(WIDGET_SECRET).session_id
        for sender in (widget, "8801711000001", "whatsapp:+8801711000001"):
            assert await post(served, body(sender=sender, message="hi")) == (
                403,
                {"error": "sender_reserved"},
            )
        assert served.agent.messages == []


async def test_with_a_token_only_callers_that_send_it_get_in() -> None:
    async with running(ClinicRestInput(token=TOKEN, production=True)) as served:
        message = body(sender="tester", message="hi")
        assert await post(served, message) == (401, {"error": "token_missing"})
        wrong = {"Authorization": "Bearer wrong"}
        assert await post(served, message, wrong) == (403, {"error": "token_invalid"})
        assert await post(served, message, token="wrong") == (403, {"error": "token_invalid"})
        assert served.agent.messages == []
        assert (await post(served, message, {"Authorization": f"Bearer {TOKEN}"}))[0] == 200
        assert (await post(served, message, token=TOKEN))[0] == 200
        assert len(served.agent.messages) == 2


async def test_in_production_without_a_token_the_channel_is_off() -> None:
    async with running(ClinicRestInput(production=True)) as served:
        assert await post(served, body(sender="tester", message="hi")) == (
            403,
            {"error": "rest_channel_disabled"},
        )
        assert served.agent.messages == []


async def test_a_failure_is_a_500_and_the_log_has_neither_text_nor_sender(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(ClinicRestInput()) as served:
        # RecordingAgent raises for the text "crash".
        answer = await post(served, body(sender="patient-417", message="crash"))
    assert answer == (500, {"error": "processing_failed"})
    assert "rest.message_failed error=RuntimeError" in caplog.text
    assert "patient-417" not in caplog.text and "crash" not in caplog.text


async def test_a_red_flag_whose_handling_fails_still_gets_the_urgent_reply(
    responses: Dict[str, List[Dict[str, Any]]],
) -> None:
    agent = FailingAgentThatReadsRedFlags(responses)
    async with running(ClinicRestInput(), agent) as served:
        urgent = await post(served, body(sender="tester", message="his toes are blue"))
        ordinary = await post(served, body(sender="tester", message="what is a DFO"))
    urgent_text = text_of(responses, "utter_urgent_care")
    assert urgent == (
        500,
        {
            "error": "processing_failed",
            "replies": [{"recipient_id": "tester", "text": urgent_text}],
        },
    )
    assert ordinary == (500, {"error": "processing_failed"})


async def test_a_streamed_answer_is_checked_and_fails_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(ClinicRestInput()) as served:
        refused = await post(served, body(sender="8801711000001", message="hi"), stream="true")
        assert refused == (403, {"error": "sender_reserved"})
        async with served.http.post(
            served.webhook, data=body(sender="tester", message="hi"), params={"stream": "true"}
        ) as answer:
            lines = (await answer.text()).splitlines()
        assert answer.status == 200
        assert json.loads(lines[0])["recipient_id"] == "tester"
        async with served.http.post(
            served.webhook,
            data=body(sender="patient-417", message="crash"),
            params={"stream": "true"},
        ) as answer:
            assert (answer.status, await answer.text()) == (200, "")
    assert "rest.message_failed error=RuntimeError" in caplog.text
    assert "patient-417" not in caplog.text and "crash" not in caplog.text


def test_credentials_yml_makes_it_the_rest_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    stack = AssistantStack(database_url="sqlite://", redis_url="", model=Path("m.tar.gz"))
    for name, value in stack.env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        channels = create_http_input_channels(None, str(PROJECT_ROOT / "credentials.yml"))
    finally:
        get_settings.cache_clear()
    [rest] = [channel for channel in channels if channel.name() == "rest"]
    assert isinstance(rest, ClinicRestInput) and rest.token == ""
