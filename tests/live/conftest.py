"""The real assistant: trained model, Rasa server and action server, on free ports.

Runs the production set-up: conversations in PostgreSQL, locks in Redis.
"""

from __future__ import annotations

import os
import secrets
import socket
from typing import Any, Dict, Iterator, List

import pytest
import requests

from bot import launcher
from tests.conftest import PROJECT_ROOT, load_yaml
from tests.utils.databases import ensure_postgres_database, postgres_test_url, redis_test_url

CLINIC_PHONE = "+880 1711 000000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveAssistant:
    """Talks to the running Rasa server the way a channel and a client would."""

    def __init__(self, base_url: str, token: str, database_url: str) -> None:
        self.base_url = base_url
        self.token = token
        self.database_url = database_url

    def send(self, sender: str, message: Any) -> List[Dict[str, Any]]:
        response = requests.post(
            f"{self.base_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def parse(self, text: str, token: str | None = None) -> requests.Response:
        params = {"token": token} if token is not None else {}
        return requests.post(
            f"{self.base_url}/model/parse", json={"text": text}, params=params, timeout=60
        )


@pytest.fixture(scope="session")
def responses() -> Dict[str, List[Dict[str, Any]]]:
    """Every response of the assistant by name, as written in the project's data."""
    found: Dict[str, List[Dict[str, Any]]] = dict(
        load_yaml(PROJECT_ROOT / "domain.yml")["responses"]
    )
    for path in (PROJECT_ROOT / "data" / "responses").glob("*.yml"):
        found.update(load_yaml(path)["responses"])
    return found


@pytest.fixture(scope="session")
def assistant() -> Iterator[LiveAssistant]:
    if not any((PROJECT_ROOT / "models").glob("*.tar.gz")):
        pytest.fail("no trained model: run `make train` (make test does it)")
    database_url = ensure_postgres_database(postgres_test_url())
    rasa_port, action_port = free_port(), free_port()
    token = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "CLINIC_ENV": "test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_test_url(),
        "RASA_AUTH_TOKEN": token,
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "CLINIC_PHONE": CLINIC_PHONE,
        "CLINIC_WHATSAPP": "",
        "CLINIC_HOURS": "",
        "CORS_ORIGINS": "",
    }
    model = launcher.latest_model()
    processes = [
        launcher.start(launcher.action_server_command(env), env),
        launcher.start(launcher.rasa_server_command(env, model), env),
    ]
    try:
        base_url = f"http://127.0.0.1:{rasa_port}"
        ready = launcher.wait_until_ready(f"{base_url}/", 240, processes)
        ready = ready and launcher.wait_until_ready(
            f"http://127.0.0.1:{action_port}/health", 60, processes
        )
        assert ready, "the Rasa server or the action server did not start"
        yield LiveAssistant(base_url, token, database_url)
    finally:
        launcher.stop_all(processes)
