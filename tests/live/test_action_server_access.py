"""The running action server: loopback only, for the Rasa server only (issue 11, rows 1, 12)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Dict, List, Optional

import pytest
import requests

from tests.utils.stack import AssistantStack

pytestmark = pytest.mark.live

# What an attacker posted: a made-up tracker asking for an urgent handoff.
FORGED_CALL = {
    "next_action": "action_urgent_care",
    "sender_id": "8801712345678",
    "version": "3.6.21",
    "tracker": {"sender_id": "8801712345678", "slots": {}, "latest_message": {}, "events": []},
    "domain": {},
}


def webhook(stack: AssistantStack) -> str:
    return f"http://127.0.0.1:{stack.action_port}/webhook"


def post(
    stack: AssistantStack, body: bytes, content_type: str, token: Optional[str]
) -> requests.Response:
    headers: Dict[str, str] = {"Content-Type": content_type, "Origin": "https://evil.example"}
    if token is not None:
        headers["X-Action-Server-Token"] = token
    return requests.post(webhook(stack), data=body, headers=headers, timeout=30)


def test_a_call_without_the_token_is_refused(stack: AssistantStack) -> None:
    reply = post(stack, json.dumps(FORGED_CALL).encode(), "application/json", None)
    assert reply.status_code == 401
    assert reply.json() == {"error": "missing_or_wrong_token"}


def test_a_call_with_a_wrong_token_is_refused(stack: AssistantStack) -> None:
    reply = post(stack, json.dumps(FORGED_CALL).encode(), "application/json", "guessed")
    assert reply.status_code == 401


def test_a_text_plain_call_from_a_foreign_page_is_refused(stack: AssistantStack) -> None:
    body = json.dumps(FORGED_CALL).encode()
    assert post(stack, body, "text/plain", None).status_code == 401
    # Even with the token, a body that is not application/json is refused.
    assert post(stack, body, "text/plain", stack.action_token).status_code == 415


def test_bad_json_is_refused(stack: AssistantStack) -> None:
    for body in (b"{not json", b"", b"[1, 2]"):
        reply = post(stack, body, "application/json", stack.action_token)
        assert reply.status_code == 400
        assert reply.json() == {"error": "body_must_be_a_json_object"}


def test_listing_the_actions_needs_the_token(stack: AssistantStack) -> None:
    url = f"http://127.0.0.1:{stack.action_port}/actions"
    assert requests.get(url, timeout=10).status_code == 401
    listed = requests.get(url, headers={"X-Action-Server-Token": stack.action_token}, timeout=10)
    assert listed.status_code == 200
    assert {"name": "action_handoff"} in listed.json()


def test_health_stays_open(stack: AssistantStack) -> None:
    reply = requests.get(f"http://127.0.0.1:{stack.action_port}/health", timeout=10)
    assert reply.status_code == 200


def listening_addresses(port: int) -> List[str]:
    """The IPv4 and IPv6 addresses with a socket listening on ``port`` (from /proc/net)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                if len(address) == 8:
                    found.append(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                else:
                    raw = bytes.fromhex(address)
                    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                    found.append(socket.inet_ntop(socket.AF_INET6, words))
    return found


def test_the_action_server_listens_on_loopback_only(stack: AssistantStack) -> None:
    assert listening_addresses(stack.action_port) == ["127.0.0.1"]


def process_tree(pid: int) -> List[int]:
    """``pid`` and its descendants."""
    tree = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in children:
            tree += process_tree(int(child))
    return tree


def test_no_secret_is_on_a_command_line(stack: AssistantStack) -> None:
    secrets = [stack.token, stack.action_token, stack.widget_secret]
    for name, process in stack.processes.items():
        for pid in process_tree(process.pid):
            command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            for secret in secrets:
                assert secret not in command_line, f"a secret is visible in ps for {name}"
