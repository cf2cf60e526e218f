"""WhatsApp end to end: the real Rasa server, action server and console, a fake Graph API.

The stack's WhatsApp channel sends to a fake Graph API on loopback
(``AssistantStack.fake_api_port``); the tests post webhooks signed with the
stack's app secret, as Meta would, and read what the assistant sent out.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from pathlib import Path
from typing import Any, Dict, List

import aiohttp
import pytest
import requests

from bot.channels.whatsapp.meta import signature_for
from bot.console.accounts import create_account, deactivate
from tests.channels.servers import FakeApi
from tests.conftest import bangla_text_of, text_of
from tests.utils.stack import AssistantStack
from tests.utils.trained import trained

pytestmark = pytest.mark.live

PAYLOADS = Path(__file__).resolve().parent / "data"
PASSWORD = "whatsapp staff test password"


def new_wa_id() -> str:
    return "8801" + "".join(random.choice("3456789") for _ in range(9))


def text_webhook(wa_id: str, text: str) -> bytes:
    payload = json.loads((PAYLOADS / "text.json").read_text())
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = wa_id
    message = value["messages"][0]
    message.update({"from": wa_id, "id": f"wamid.{uuid.uuid4().hex}"})
    message["text"]["body"] = text
    return json.dumps(payload).encode()


def button_webhook(wa_id: str, reply_id: str, title: str) -> bytes:
    """A tap on one of our reply buttons, as Meta reports it."""
    payload = json.loads((PAYLOADS / "interactive_button_reply.json").read_text())
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = wa_id
    message = value["messages"][0]
    message.update({"from": wa_id, "id": f"wamid.{uuid.uuid4().hex}"})
    message["interactive"]["button_reply"] = {"id": reply_id, "title": title}
    return json.dumps(payload).encode()


async def send_whatsapp(stack: AssistantStack, wa_id: str, text: str, body: bytes = b"") -> None:
    body = body or text_webhook(wa_id, text)
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{stack.rasa_url}/webhooks/whatsapp/webhook",
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": signature_for(stack.whatsapp_app_secret, body),
            },
        ) as reply,
    ):
        assert reply.status == 200


def outgoing_text(message: Dict[str, Any]) -> str:
    """The text of a Graph API message, plain or interactive."""
    if message["type"] == "text":
        return message["text"]["body"]
    return message["interactive"]["body"]["text"]


async def sent_to(api: FakeApi, wa_id: str, count: int, timeout: float = 60) -> List[Dict]:
    """Wait until ``count`` messages went to ``wa_id``; return them."""
    for _ in range(int(timeout * 10)):
        mine = [m for m in api.graph_messages() if m.get("to") == wa_id]
        if len(mine) >= count:
            return mine
        await asyncio.sleep(0.1)
    raise AssertionError(f"only {len(mine)} messages to the patient, wanted {count}")


async def events_after(stack: AssistantStack, conversation_id: str, text: str) -> List[str]:
    """Event types stored after the patient's message ``text`` (waits until it is stored)."""
    async with aiohttp.ClientSession() as http:
        for _ in range(100):
            async with http.get(
                f"{stack.rasa_url}/conversations/{conversation_id}/tracker",
                params={"token": stack.token},
            ) as reply:
                events = (await reply.json())["events"]
            mine = [
                i for i, e in enumerate(events) if e["event"] == "user" and e.get("text") == text
            ]
            if mine:
                return [e["event"] for e in events[mine[-1] + 1 :]]
            await asyncio.sleep(0.3)
    raise AssertionError("the patient's message was never stored")


@pytest.fixture
async def graph_api(stack: AssistantStack):
    api = await FakeApi().start(port=stack.fake_api_port)
    yield api
    await api.stop()


async def test_a_whatsapp_question_gets_the_same_answer_as_on_the_web(
    stack: AssistantStack, graph_api: FakeApi, responses
) -> None:
    question = trained("faq/vro_what_is", "what is VRO")
    web = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": f"web-{uuid.uuid4()}", "message": question},
        timeout=60,
    ).json()
    wa_id = new_wa_id()
    await send_whatsapp(stack, wa_id, question)
    sent = await sent_to(graph_api, wa_id, len(web))

    assert [outgoing_text(m) for m in sent] == [m["text"] for m in web]
    answer = sent[-1]
    assert outgoing_text(answer) == text_of(responses, "utter_faq/vro_what_is")
    # The answer's quick replies became WhatsApp reply buttons, with the same payloads.
    assert answer["type"] == "interactive" and answer["interactive"]["type"] == "button"
    ids = [b["reply"]["id"] for b in answer["interactive"]["action"]["buttons"]]
    assert ids == [b["payload"] for b in web[-1]["buttons"]]


async def test_tell_me_more_is_a_whatsapp_reply_button_that_sends_the_rest(
    stack: AssistantStack, graph_api: FakeApi, responses
) -> None:
    wa_id = new_wa_id()
    await send_whatsapp(stack, wa_id, trained("faq/vro_recovery", "after vro when can he stand"))
    first_answer = text_of(responses, "utter_faq/vro_recovery")
    for _ in range(600):  # the disclaimer comes first: wait for the answer itself
        sent = await sent_to(graph_api, wa_id, 1)
        if outgoing_text(sent[-1]) == first_answer:
            break
        await asyncio.sleep(0.1)
    answer = sent[-1]
    assert outgoing_text(answer) == first_answer
    buttons = [b["reply"] for b in answer["interactive"]["action"]["buttons"]]
    assert answer["interactive"]["type"] == "button" and len(buttons) == 3
    assert buttons[0] == {
        "id": '/tell_me_more{"faq_topic": "vro_recovery"}',
        "title": "Tell me more",
    }
    tap = button_webhook(wa_id, buttons[0]["id"], buttons[0]["title"])
    await send_whatsapp(stack, wa_id, "", body=tap)
    rest = (await sent_to(graph_api, wa_id, len(sent) + 1))[-1]
    assert outgoing_text(rest) == text_of(responses, "utter_faq_more/vro_recovery")


async def test_a_bangla_question_on_whatsapp_is_answered_in_bangla(
    stack: AssistantStack, graph_api: FakeApi, responses
) -> None:
    wa_id = new_wa_id()
    await send_whatsapp(stack, wa_id, trained("faq/vro_what_is", "VRO এর পুরো নাম কি?"))
    sent = await sent_to(graph_api, wa_id, 2)
    texts = [outgoing_text(m) for m in sent]
    bangla_answer = bangla_text_of(responses, "utter_faq/vro_what_is")
    assert texts[-1] == bangla_answer


async def test_staff_answer_a_whatsapp_patient_from_the_console(
    stack: AssistantStack, graph_api: FakeApi, responses
) -> None:
    username = f"wa-nurse-{uuid.uuid4().hex[:6]}"
    create_account(stack.database_url, username, "Nurse Ayesha", "staff", PASSWORD)
    console = requests.Session()
    csrf = ""
    try:
        # The console is called from a thread: this event loop serves the fake Graph API.
        page = await asyncio.to_thread(
            console.post,
            f"{stack.web_url}/staff/login",
            data={"username": username, "password": PASSWORD},
            timeout=30,
        )
        marker = 'name="csrf_token" value="'
        csrf = page.text.split(marker, 1)[1].split('"', 1)[0]

        wa_id = new_wa_id()
        await send_whatsapp(stack, wa_id, trained("request_human", "i want to talk to a person"))
        sent = await sent_to(graph_api, wa_id, 2)
        assert outgoing_text(sent[-1]) == text_of(responses, "utter_handoff_connecting")

        queue = (
            await asyncio.to_thread(console.get, f"{stack.web_url}/staff/api/queue", timeout=10)
        ).json()
        [handoff] = [h for h in queue["handoffs"] if h["conversation_id"] == wa_id]
        assert handoff["channel"] == "whatsapp"
        form = {"csrf_token": csrf, "conversation_id": wa_id}
        claimed = await asyncio.to_thread(
            console.post,
            f"{stack.web_url}/staff/handoffs/{handoff['id']}/claim",
            data=form,
            timeout=30,
        )
        assert "You have taken over" in claimed.text
        await sent_to(graph_api, wa_id, 3)  # "Nurse Ayesha ... has joined the chat."

        before = len([m for m in graph_api.graph_messages() if m.get("to") == wa_id])
        await send_whatsapp(stack, wa_id, "what is a VRO?")
        after = await events_after(stack, wa_id, "what is a VRO?")
        assert "bot" not in after  # paused: the assistant stays silent
        reply = await asyncio.to_thread(
            console.post,
            f"{stack.web_url}/staff/handoffs/{handoff['id']}/reply",
            data={**form, "text": "Hello, this is Ayesha from the clinic."},
            timeout=30,
        )
        assert "Sent." in reply.text
        sent = await sent_to(graph_api, wa_id, before + 1)
        assert len(sent) == before + 1  # only the staff reply, no assistant answer
        assert "Hello, this is Ayesha from the clinic." in outgoing_text(sent[-1])
        assert "Nurse Ayesha" in outgoing_text(sent[-1])

        await asyncio.to_thread(
            console.post,
            f"{stack.web_url}/staff/handoffs/{handoff['id']}/close",
            data=form,
            timeout=30,
        )
        sent = await sent_to(graph_api, wa_id, before + 2)
        assert outgoing_text(sent[-1]) == text_of(responses, "utter_handoff_resumed")
        page = (
            await asyncio.to_thread(
                console.get, f"{stack.web_url}/staff/conversations/{wa_id}", timeout=10
            )
        ).text
        assert "WhatsApp •••" in page and "free-form replies are possible until" not in page
    finally:
        await asyncio.to_thread(
            console.post, f"{stack.web_url}/staff/logout", data={"csrf_token": csrf}, timeout=10
        )
        deactivate(stack.database_url, username)
