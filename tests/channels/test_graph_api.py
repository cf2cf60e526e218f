"""The Graph API client against a fake Graph API on loopback: retries, timeouts, errors."""

from __future__ import annotations

import time
from typing import AsyncIterator, Callable, List

import pytest

from bot.channels.whatsapp import meta_messages as wp
from bot.channels.whatsapp.delivery import (
    DeliveryError,
    RetryPolicy,
    retry_after_seconds,
    should_retry,
)
from bot.channels.whatsapp.meta import GraphApiClient, WhatsAppCloudOutput, graph_error_code
from tests.channels.conftest import ACCESS_TOKEN, FAST, PATIENT, PHONE_NUMBER_ID
from tests.channels.servers import DROP, FakeApi

MESSAGE = wp.text_payload(PATIENT, "hello")


@pytest.fixture
async def clients() -> AsyncIterator[List[GraphApiClient]]:
    """Clients made by a test, closed after it."""
    made: List[GraphApiClient] = []
    yield made
    for client in made:
        await client.close()


@pytest.fixture
def client_for(clients: List[GraphApiClient]) -> Callable[..., GraphApiClient]:
    def make(api: FakeApi, policy: RetryPolicy = FAST, base_url: str = "") -> GraphApiClient:
        url = base_url or f"{api.url}/v21.0/"
        clients.append(GraphApiClient(ACCESS_TOKEN, PHONE_NUMBER_ID, url, policy))
        return clients[-1]

    return make


async def test_a_message_is_posted_with_the_token(fake_api: FakeApi, client_for) -> None:
    result = await client_for(fake_api).send(MESSAGE)
    assert result.ok and result.status == 200 and result.attempts == 1
    assert result.message_id == "wamid.fake-1"
    [request] = fake_api.requests
    assert (request.method, request.path) == ("POST", f"/v21.0/{PHONE_NUMBER_ID}/messages")
    assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.json == MESSAGE


@pytest.mark.parametrize("status", [500, 502, 503, 429, DROP])
async def test_server_errors_and_dropped_connections_are_retried(
    fake_api: FakeApi, client_for, status
) -> None:
    fake_api.fail_next(2, status=status)
    result = await client_for(fake_api).send(MESSAGE)
    assert result.ok and result.attempts == 3
    assert len(fake_api.requests) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404])
async def test_client_errors_are_not_retried(fake_api: FakeApi, client_for, status: int) -> None:
    fake_api.fail_next(1, status=status, body={"error": {"code": 131030, "message": "x"}})
    result = await client_for(fake_api).send(MESSAGE)
    assert not result.ok
    assert (result.status, result.error_code, result.attempts) == (status, 131030, 1)
    assert len(fake_api.requests) == 1


async def test_retries_are_bounded(fake_api: FakeApi, client_for) -> None:
    fake_api.fail_next(10, status=500)
    result = await client_for(fake_api).send(MESSAGE)
    assert not result.ok and result.status == 500 and result.attempts == FAST.attempts
    assert len(fake_api.requests) == FAST.attempts


async def test_a_slow_api_times_out_and_is_retried(fake_api: FakeApi, client_for) -> None:
    fake_api.delay = 0.5
    policy = RetryPolicy(attempts=2, base_delay=0.01, timeout=0.2)
    started = time.monotonic()
    result = await client_for(fake_api, policy).send(MESSAGE)
    assert not result.ok and result.status is None and result.attempts == 2
    assert time.monotonic() - started < 2


async def test_retry_after_is_honoured(fake_api: FakeApi, client_for) -> None:
    fake_api.fail_next(1, status=429, retry_after="0.3")
    started = time.monotonic()
    policy = RetryPolicy(attempts=2, base_delay=0.01, max_delay=1, timeout=2)
    result = await client_for(fake_api, policy).send(MESSAGE)
    assert result.ok and time.monotonic() - started >= 0.3


async def test_unreachable_api_fails_without_raising(fake_api: FakeApi, client_for) -> None:
    result = await client_for(fake_api, base_url="http://127.0.0.1:9/v21.0").send(MESSAGE)
    assert not result.ok and result.status is None and result.attempts == FAST.attempts


async def test_without_a_token_nothing_is_sent(fake_api: FakeApi, client_for) -> None:
    client = GraphApiClient("", PHONE_NUMBER_ID, fake_api.url, FAST)
    assert not (await client.send(MESSAGE)).ok
    assert fake_api.requests == []


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3]
    assert policy.delay(1, retry_after=2.5) == 2.5
    assert policy.delay(1, retry_after=60) == 3


def test_helpers() -> None:
    assert should_retry(None) and should_retry(429) and should_retry(503)
    assert not should_retry(400) and not should_retry(404)
    assert retry_after_seconds("2") == 2.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") is None
    assert retry_after_seconds(None) is None
    assert graph_error_code({"error": {"code": 190}}) == 190
    assert graph_error_code({"error": "x"}) is None and graph_error_code(None) is None


# ------------------------------------------------------- output channel


async def test_output_channel_sends_every_kind_of_response(fake_api: FakeApi, client_for) -> None:
    output = WhatsAppCloudOutput(client_for(fake_api))
    await output.send_response(PATIENT, {"text": "Plain text", "metadata": {"staff_name": "A"}})
    await output.send_response(
        PATIENT,
        {"text": "Pick", "buttons": [{"title": f"T{i}", "payload": f"/t{i}"} for i in range(5)]},
    )
    await output.send_response(PATIENT, {"text": "Look", "image": "https://clinic.example/x.png"})
    await output.send_response(
        PATIENT, {"custom": {"whatsapp": {"type": "text", "text": {"body": "c"}}}}
    )
    await output.send_response(PATIENT, {"custom": {"web": "ignored"}})
    await output.send_response(PATIENT, {"attachment": "https://clinic.example/leaflet.pdf"})
    await output.send_response(PATIENT, {"attachment": {"type": "file"}})
    await output.send_response(
        PATIENT, {"quick_replies": [{"title": "Yes", "payload": "/affirm"}], "text": "Sure?"}
    )
    await output.send_response(
        PATIENT, {"elements": [{"title": "Card", "subtitle": "s", "buttons": []}]}
    )
    sent = fake_api.graph_messages()
    kinds = [m["type"] if m["type"] != "interactive" else m["interactive"]["type"] for m in sent]
    assert kinds == ["text", "list", "text", "text", "text", "text", "button", "text"]
    assert sent[0]["text"]["body"] == "Plain text"
    assert sent[2]["text"] == {"preview_url": False, "body": "Look"}
    assert sent[3]["text"] == {"preview_url": True, "body": "https://clinic.example/x.png"}
    assert sent[4]["text"] == {"body": "c"}
    assert sent[5]["text"]["body"] == "https://clinic.example/leaflet.pdf"
    assert sent[7]["text"]["body"] == "Card : s"
    assert all(m["to"] == PATIENT for m in sent)


async def test_output_for_staff_replies_raises_when_whatsapp_refuses(
    fake_api: FakeApi, client_for
) -> None:
    fake_api.fail_next(1, status=400, body={"error": {"code": 131047}})
    output = WhatsAppCloudOutput(client_for(fake_api), raise_on_failure=True)
    with pytest.raises(DeliveryError, match="status=400, error_code=131047") as raised:
        await output.send_text_message(PATIENT, "Hello from the clinic")
    assert PATIENT not in str(raised.value) and "Hello" not in str(raised.value)


async def test_output_for_the_assistant_only_logs_failures(fake_api: FakeApi, client_for) -> None:
    fake_api.fail_next(1, status=400)
    output = WhatsAppCloudOutput(client_for(fake_api))
    await output.send_text_message(PATIENT, "first")
    await output.send_text_message(PATIENT, "second")
    assert [result.ok for result in output.sent] == [False, True]
