"""The web process with the staff console, a migrated database and a fake Rasa server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests
from aiohttp import web as aioweb
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import launcher
from bot.console.accounts import create_account
from bot.storage.migrate import upgrade
from bot.storage.tracker_store import DatabaseUrlTrackerStore
from tests import factories
from tests.conftest import PROJECT_ROOT
from tests.utils.databases import fresh_postgres_database, postgres_test_url
from tests.utils.stack import free_port

PASSWORD = "a long enough password"
# Rasa's `/conversations/<conversation_id:path>/...` routes.
RASA_CONVERSATION_ROUTE = re.compile(
    r"^/conversations/(?P<conversation>[^/].*?)/(?P<rest>tracker/events|tracker|execute)$"
)


@dataclass
class FakeRasa:
    """Records what the console asks of Rasa's HTTP API, and answers like Rasa."""

    port: int
    calls: List[Dict[str, Any]] = field(default_factory=list)
    paused: Dict[str, bool] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, request: aioweb.Request) -> aioweb.Response:
        # As Rasa's Sanic routes do: the id is the raw path segment, never decoded.
        route = RASA_CONVERSATION_ROUTE.match(request.raw_path.split("?", 1)[0])
        if route is None:
            return aioweb.json_response({"message": "not found"}, status=404)
        conversation, rest = route["conversation"], route["rest"]
        body: Optional[Any] = await request.json() if request.can_read_body else None
        self.calls.append(
            {
                "method": request.method,
                "path": rest,
                "conversation": conversation,
                "query": dict(request.query),
                "body": body,
            }
        )
        if request.method == "POST" and rest == "tracker/events":
            for event in body or []:
                if event.get("event") in ("pause", "resume"):
                    self.paused[conversation] = event["event"] == "pause"
        return aioweb.json_response(
            {"sender_id": conversation, "paused": self.paused.get(conversation, False)}
        )


@pytest.fixture(scope="module")
def fake_rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa(port=free_port())
    loop = asyncio.new_event_loop()
    app = aioweb.Application()
    app.router.add_route("*", "/conversations/{anything:.*}", fake.handle)
    runner = aioweb.AppRunner(app)
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(aioweb.TCPSite(runner, "127.0.0.1", fake.port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    yield fake
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


@dataclass
class Console:
    """A running web process and its database."""

    url: str
    database_url: str

    def session(self, username: str) -> requests.Session:
        """A signed-in HTTP session (with the page's CSRF token in ``.csrf``)."""
        http = requests.Session()
        reply = http.post(
            f"{self.url}/staff/login",
            data={"username": username, "password": PASSWORD, "next": "/staff/"},
            timeout=20,
        )
        assert reply.status_code == 200, reply.text[:500]
        http.csrf = csrf_token(reply.text)  # type: ignore[attr-defined]
        return http


def csrf_token(page: str) -> str:
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def console(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    fake_rasa: FakeRasa,
) -> Iterator[Console]:
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path_factory.mktemp('console')}/rasa.db"
    else:
        database_url = fresh_postgres_database(postgres_test_url(), "clinic_console_test")
    upgrade(database_url)
    asyncio.run(seed_conversations(database_url))
    create_account(database_url, "admin", "Dr Admin", "admin", PASSWORD)
    create_account(database_url, "nurse", "Nurse Rahima", "staff", PASSWORD)
    create_account(database_url, "nurse2", "Nurse Karim", "staff", PASSWORD)
    with running_console(database_url, fake_rasa.url, CONSOLE_IDLE_MINUTES="30") as running:
        yield running


@contextlib.contextmanager
def running_console(database_url: str, rasa_url: str, **settings: str) -> Iterator[Console]:
    """A web process on a free port over ``database_url``, with ``settings`` in its environment."""
    port = free_port()
    env = {
        **os.environ,
        "CLINIC_ENV": "test",
        "DATABASE_URL": database_url,
        "WIDGET_JWT_SECRET": "w" * 40,
        "WEB_PORT": str(port),
        "RASA_URL": rasa_url,
        "RASA_AUTH_TOKEN": "console-test-token",
        **settings,
    }
    process = launcher.start(launcher.web_command(), env)
    url = f"http://127.0.0.1:{port}"
    try:
        assert launcher.wait_until_ready(f"{url}/health", 60, [process])
        yield Console(url, database_url)
    finally:
        launcher.stop_all([process])


WEB_PATIENT = "web0patient0000000000000000000001"
WHATSAPP_PATIENT = "8801711000000"


async def seed_conversations(database_url: str) -> None:
    """Two stored conversations (through Rasa's own tracker store) and an open handoff."""
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    store = DatabaseUrlTrackerStore(domain=domain, database_url=database_url)
    faq = {
        "name": "faq",
        "confidence": 0.95,
    }
    selector = {"faq": {"response": {"intent_response_key": "faq/vro_what_is", "confidence": 0.9}}}
    web_text = "what is a VRO? you can reach me on 01712-345678"
    await store.save(
        DialogueStateTracker.from_events(
            WEB_PATIENT,
            [
                ActionExecuted("action_listen"),
                UserUttered(
                    web_text,
                    faq,
                    parse_data={
                        "text": web_text,
                        "intent": faq,
                        "response_selector": selector,
                        "language": "en",
                    },
                    input_channel="webchat",
                    # Sent from the widget on the hip operation's page.
                    metadata={"page_operation": "hip"},
                ),
                ActionExecuted("action_answer_faq"),
                BotUttered(
                    "A VRO is an operation on the thigh bone.",
                    metadata={"utter_action": "utter_faq/vro_what_is"},
                ),
                ActionExecuted("action_listen"),
                UserUttered(
                    "I want to talk to a person",
                    {"name": "request_human", "confidence": 0.9},
                    input_channel="webchat",
                ),
                ActionExecuted("action_handoff"),
            ],
            slots=domain.slots,
        )
    )
    bangla = "অপারেশনের পর খুব জ্বর আর সেলাই থেকে পুঁজ বের হচ্ছে"
    urgent = {"name": "urgent_symptoms", "confidence": 1.0}
    await store.save(
        DialogueStateTracker.from_events(
            WHATSAPP_PATIENT,
            [
                ActionExecuted("action_listen"),
                UserUttered(
                    bangla,
                    urgent,
                    parse_data={"text": bangla, "intent": urgent, "language": "bn"},
                    input_channel="whatsapp",
                ),
                ActionExecuted("action_urgent_care"),
                SlotSet("urgent", True),
            ],
            slots=domain.slots,
        )
    )
    store.engine.dispose()
    with factories.clinic_session(database_url) as session:
        factories.handoff(session, WEB_PATIENT, language="en")
        factories.handoff(
            session, WHATSAPP_PATIENT, channel="whatsapp", urgent=True, reason="urgent",
            language="bn",
        )  # fmt: skip


def json_of(reply: requests.Response) -> Any:
    return json.loads(reply.text)


__all__ = ["PROJECT_ROOT", "Console", "FakeRasa", "csrf_token", "json_of"]
