"""No phone number and no patient text in any process's log, even at debug level (issue 11 row 4).

A stack of its own runs with LOG_LEVEL=DEBUG and each process's output in a
file. A full run goes through it: a request for a person, the callback form
with numbers typed into its steps, bad input (a message starting with "/",
an empty and a broken body), a red-flag message and a signed WhatsApp
message. Then every log is searched for what the patients typed.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from typing import Dict, Iterator, List

import pytest
import requests

from tests.channels.servers import FakeApi
from tests.channels.test_whatsapp_live import send_whatsapp, sent_to
from tests.conftest import PROJECT_ROOT, text_of
from tests.utils.databases import ensure_postgres_database, postgres_test_url, redis_test_url
from tests.utils.stack import AssistantStack
from tests.utils.trained import trained

pytestmark = pytest.mark.live

ASK_FOR_PERSON = trained("request_human", "I want to talk to someone from the clinic")
CALLBACK_NAME = "Nasrin Zebrafinch"
CALLBACK_TIME = "after 5 pm, or ring 01712-345626"
CALLBACK_PHONE = "01819-264731"
SLASH_MESSAGES = ['/faq{"topic": "kiwiberry 01755 918273"}', "/greet kiwiberry and 01755918274"]
BROKEN_BODY = b'{"sender": "log-test", "message": "papaya, call 01766 827364"'
RED_FLAG = "since last night his toes are blue and he cant feel them, mangosteen"
WHATSAPP_TEXT = "my daughter's cast feels tight since the surgery, lycheefruit"


@pytest.fixture(scope="module")
def logged_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssistantStack]:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("no trained model: run `make train` (make test does it)")
    stack = AssistantStack(
        database_url=ensure_postgres_database(postgres_test_url()),
        redis_url=redis_test_url(),
        model=models[-1],
        log_dir=tmp_path_factory.mktemp("logs"),
        extra_env={"LOG_LEVEL": "DEBUG", "LOG_LEVEL_LIBRARIES": "DEBUG"},
    )
    try:
        yield stack.start()
    finally:
        stack.stop()


def say(stack: AssistantStack, sender: str, text: str) -> List[str]:
    reply = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    return [message.get("text", "") for message in reply.json()]


async def whatsapp_round_trip(stack: AssistantStack, wa_id: str) -> None:
    api = await FakeApi().start(port=stack.fake_api_port)
    try:
        await send_whatsapp(stack, wa_id, WHATSAPP_TEXT)
        await sent_to(api, wa_id, 1)
    finally:
        await api.stop()


def full_run(stack: AssistantStack, responses: Dict) -> List[str]:
    """Drive every path of the issue; returns the numbers that were typed."""
    sender = f"log-{uuid.uuid4()}"
    say(stack, sender, ASK_FOR_PERSON)
    assert say(stack, sender, "/affirm")[-1] == text_of(responses, "utter_ask_callback_consent")
    say(stack, sender, "/affirm")
    say(stack, sender, CALLBACK_NAME)
    say(stack, sender, CALLBACK_TIME)
    stored = say(stack, sender, CALLBACK_PHONE)
    assert stored[0].startswith("Thank you. The clinic will call you")

    for text in SLASH_MESSAGES:
        say(stack, f"log-{uuid.uuid4()}", text)
    for body in (b"", BROKEN_BODY):
        reply = requests.post(
            f"{stack.rasa_url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        assert reply.status_code == 400

    urgent = say(stack, f"log-{uuid.uuid4()}", RED_FLAG)
    assert text_of(responses, "utter_urgent_care") in urgent

    wa_id = "8801" + "".join(random.choice("3456789") for _ in range(9))
    asyncio.run(whatsapp_round_trip(stack, wa_id))
    # As the console reads a WhatsApp conversation: the number and the token in the URL.
    tracker = requests.get(
        f"{stack.rasa_url}/conversations/{wa_id}/tracker", params={"token": stack.token}, timeout=30
    )
    assert tracker.status_code == 200
    return ["345626", "264731", "918273", "918274", "827364", wa_id[-6:]]


def test_no_number_or_patient_text_reaches_any_log(
    logged_stack: AssistantStack, responses: Dict
) -> None:
    numbers = full_run(logged_stack, responses)
    logged_stack.stop()  # every process flushes its output
    assert logged_stack.log_dir is not None
    logs = {path.name: path.read_text(errors="replace") for path in logged_stack.log_dir.iterdir()}
    assert set(logs) == {"rasa.log", "actions.log", "web.log"}
    # The run was logged, at debug level, with references a formatter prints.
    assert "DEBUG" in logs["rasa.log"] and "processor.message.parse" in logs["rasa.log"]
    assert "DEBUG" in logs["actions.log"]
    assert "conversation.handoff conv=" in logs["actions.log"]
    assert "callback.stored" in logs["actions.log"]

    words = ["Zebrafinch", "kiwiberry", "papaya", "mangosteen", "lycheefruit", "cast feels tight"]
    words += [ASK_FOR_PERSON, "or ring"]
    for name, text in logs.items():
        for number in numbers:
            assert number not in text, f"{name} holds a phone number ({number[-2:]})"
        for word in words:
            assert word.lower() not in text.lower(), f"{name} holds patient text ({word!r})"
        assert "whatsapp:+" not in text and '"locals"' not in text, name
        for secret in (logged_stack.token, logged_stack.action_token):
            assert secret not in text, f"{name} holds a secret"
