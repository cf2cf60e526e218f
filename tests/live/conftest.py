"""Fixtures of the live tests: a client for the running assistant."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
import requests

from tests.utils.stack import AssistantStack


class LiveAssistant:
    """Talks to the running Rasa server the way a channel and a client would."""

    def __init__(self, stack: AssistantStack) -> None:
        self.base_url = stack.rasa_url
        self.token = stack.token
        self.database_url = stack.database_url

    def send(
        self, sender: str, message: Any, metadata: Optional[Dict[str, Any]] = None
    ) -> List[Dict[str, Any]]:
        body = {"sender": sender, "message": message}
        if metadata is not None:
            body["metadata"] = metadata
        response = requests.post(f"{self.base_url}/webhooks/rest/webhook", json=body, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def parse(self, text: str, token: Optional[str] = None) -> requests.Response:
        params = {"token": token} if token is not None else {}
        return requests.post(
            f"{self.base_url}/model/parse", json={"text": text}, params=params, timeout=60
        )


@pytest.fixture(scope="session")
def assistant(stack: AssistantStack) -> LiveAssistant:
    return LiveAssistant(stack)
