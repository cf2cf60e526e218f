"""The REST channel of the running assistant refuses bad input and stores none of it.

Every test runs twice: on the shared stack (PostgreSQL, open REST channel as
in development) and on a stack of its own on SQLite, whose REST channel needs
a token (``REST_CHANNEL_TOKEN``).
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests
import sqlalchemy as sa

from bot.session_tokens import issue_session
from tests.conftest import PROJECT_ROOT, text_of
from tests.utils.databases import event_types
from tests.utils.stack import AssistantStack

pytestmark = pytest.mark.live

RED_FLAG = "Now suddenly he has chest pain."


@dataclass
class TokenStack(AssistantStack):
    """The assistant with ``REST_CHANNEL_TOKEN`` set."""

    rest_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def env(self) -> Dict[str, str]:
        return {**super().env, "REST_CHANNEL_TOKEN": self.rest_token}


@dataclass
class RestClient:
    """POSTs to a stack's REST channel, with its token when it has one."""

    stack: AssistantStack
    token: Optional[str] = None

    @property
    def url(self) -> str:
        return f"{self.stack.rasa_url}/webhooks/rest/webhook"

    def post(self, body: Any, raw: Optional[bytes] = None, token: Optional[str] = "") -> Any:
        """POST ``body`` as JSON, or ``raw`` bytes; ``token=""`` means the stack's own."""
        token = self.token if token == "" else token
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else json.dumps(body).encode("ascii")
        return requests.post(self.url, data=data, headers=headers, timeout=120)

    def stored(self, sender: str) -> List[str]:
        """The event types stored for ``sender``."""
        return event_types(self.stack.database_url, sender)


def latest_model() -> Path:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("no trained model: run `make train` (make test does it)")
    return models[-1]


@pytest.fixture(scope="module")
def sqlite_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TokenStack]:
    """The assistant on a SQLite file and the in-memory lock store, as in development."""
    database = tmp_path_factory.mktemp("rest_sqlite") / "rasa.db"
    running = TokenStack(database_url=f"sqlite:///{database}", redis_url="", model=latest_model())
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture(params=["postgresql", "sqlite"])
def rest(request: pytest.FixtureRequest) -> RestClient:
    if request.param == "postgresql":
        return RestClient(request.getfixturevalue("stack"))
    stack = request.getfixturevalue("sqlite_stack")
    return RestClient(stack, token=stack.rest_token)


def new_sender() -> str:
    return f"rest-{uuid.uuid4()}"


def default_rows(rest: RestClient) -> int:
    """Rows of the shared ``default`` conversation Rasa uses when there is no sender."""
    engine = sa.create_engine(rest.stack.database_url, future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT count(*) FROM events WHERE sender_id = 'default'")
            ).scalar_one()
    finally:
        engine.dispose()


def test_bad_input_is_a_400_with_an_error_code_and_nothing_is_stored(rest: RestClient) -> None:
    sender = new_sender()
    long_sender = "a" * 100_000
    before = default_rows(rest)
    cases = [
        (b"", "body_missing"),
        (b"[]", "body_not_object"),
        (b'["hello"]', "body_not_object"),
        (b'"hello"', "body_not_object"),
        (b"{not json", "invalid_json"),
        (json.dumps({"sender": sender, "message": ["hello"]}).encode(), "message_not_text"),
        (json.dumps({"sender": sender, "message": 42}).encode(), "message_not_text"),
        (json.dumps({"sender": sender, "message": None}).encode(), "message_missing"),
        (json.dumps({"sender": sender}).encode(), "message_missing"),
        (json.dumps({"message": "hello"}).encode(), "sender_missing"),
        (json.dumps({"sender": None, "message": "hello"}).encode(), "sender_missing"),
        (json.dumps({"sender": long_sender, "message": "hello"}).encode(), "sender_too_long"),
        (json.dumps({"sender": "a b<script>", "message": "hello"}).encode(), "sender_invalid"),
    ]
    for raw, error in cases:
        answer = rest.post(None, raw=raw)
        assert (answer.status_code, answer.json()) == (400, {"error": error}), raw[:60]
    assert rest.stored(sender) == []
    assert rest.stored(long_sender) == []
    assert default_rows(rest) == before

    # The same sender with a valid message is answered and stored.
    answer = rest.post({"sender": sender, "message": "what is a VRO"})
    assert answer.status_code == 200
    assert [reply["recipient_id"] for reply in answer.json()] and all(
        reply["recipient_id"] == sender for reply in answer.json()
    )
    assert rest.stored(sender).count("user") == 1


def test_rest_cannot_write_into_a_widget_or_whatsapp_conversation(
    rest: RestClient,
) -> None:
    widget = issue_session(rest.stack.widget_secret).session_id
    digits = "8801" + "".join(secrets.choice("0123456789") for _ in range(9))
    for sender in (widget, digits, f"+{digits}", f"whatsapp:+{digits}"):
        answer = rest.post({"sender": sender, "message": "hello"})
        assert (answer.status_code, answer.json()) == (403, {"error": "sender_reserved"})
        assert rest.stored(sender) == []


def test_a_red_flag_with_a_lone_surrogate_gets_the_urgent_reply(
    rest: RestClient, responses
) -> None:
    sender = new_sender()
    answer = rest.post({"sender": sender, "message": f"\ud800abc {RED_FLAG}"})
    assert answer.status_code == 200
    texts = [reply.get("text", "") for reply in answer.json()]
    assert text_of(responses, "utter_urgent_care") in texts
    assert rest.stored(sender).count("user") == 1


def test_with_a_token_set_only_callers_that_send_it_get_in(sqlite_stack: TokenStack) -> None:
    rest = RestClient(sqlite_stack, token=sqlite_stack.rest_token)
    sender = new_sender()
    message = {"sender": sender, "message": "hello"}
    missing = rest.post(message, token=None)
    assert (missing.status_code, missing.json()) == (401, {"error": "token_missing"})
    token = sqlite_stack.rest_token
    # The last character changed: "x" unless the random token already ends in "x".
    wrong = rest.post(message, token=token[:-1] + ("y" if token.endswith("x") else "x"))
    assert (wrong.status_code, wrong.json()) == (403, {"error": "token_invalid"})
    in_query = requests.post(rest.url, json=message, params={"token": "wrong"}, timeout=60)
    assert in_query.status_code == 403
    assert rest.stored(sender) == []
    assert rest.post(message).status_code == 200
    assert rest.stored(sender).count("user") == 1
