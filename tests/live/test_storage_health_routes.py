"""Each process's health route reports PostgreSQL, Redis and the storage journal (issue 12)."""

from __future__ import annotations

import requests

from tests.utils.stack import AssistantStack


def test_every_process_reports_its_storage(stack: AssistantStack) -> None:
    rasa = requests.get(f"{stack.rasa_url}/webhooks/storage/health", timeout=30)
    actions = requests.get(f"http://127.0.0.1:{stack.action_port}/health", timeout=30)
    web = requests.get(f"{stack.web_url}/health", timeout=30)
    assert rasa.status_code == 200, rasa.text
    reports = {
        "rasa": rasa.json(),
        "actions": actions.json()["storage"],
        "web": web.json()["storage"],
    }
    for process, report in reports.items():
        assert report["postgresql"] == {"status": "ok"}, process
        assert report["status"] == "ok" and report["journal"] == {"waiting": 0}, process
        assert set(report["redis"]) == {"status"}, process
    # Liveness is unchanged: the launcher waits for these.
    assert actions.json()["status"] == web.json()["status"] == "ok"
