"""The web process over HTTP: page, widget files, chat sessions and history."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Iterator

import pytest
import requests

from bot import launcher
from bot.session_tokens import issue_session
from tests.conftest import PROJECT_ROOT
from tests.utils.stack import free_port

SECRET = secrets.token_urlsafe(32)
ALLOWED = "https://clinic.example"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (PROJECT_ROOT / "bot" / "web" / "static" / "widget" / "widget.js").exists():
        pytest.fail("the widget is not built: run `make install`")
    port = free_port()
    database = Path(tmp_path_factory.mktemp("web")) / "rasa.db"
    env = {
        **os.environ,
        "CLINIC_ENV": "test",
        "DATABASE_URL": f"sqlite:///{database}",
        "WIDGET_JWT_SECRET": SECRET,
        "WIDGET_ALLOWED_ORIGINS": ALLOWED,
        "RASA_PUBLIC_URL": "http://127.0.0.1:5999",
        "CLINIC_WHATSAPP": '+880 1711"><script>',
        "WEB_PORT": str(port),
    }
    process = launcher.start(launcher.web_command(), env)
    url = f"http://127.0.0.1:{port}"
    try:
        assert launcher.wait_until_ready(f"{url}/health", 60, [process])
        yield url
    finally:
        launcher.stop_all([process])


def test_clinic_page_embeds_the_widget_safely(web: str) -> None:
    page = requests.get(f"{web}/", timeout=10)
    assert page.status_code == 200
    assert "Distal Femoral Osteotomy" in page.text
    assert 'src="/widget/widget.js"' in page.text
    assert 'data-socket-url="http://127.0.0.1:5999"' in page.text
    # Configuration values are escaped (and digits-only for WhatsApp).
    assert 'data-whatsapp="8801711"' in page.text
    # The page is about the knee operation: the chat opened on it is too.
    assert 'data-operation="knee"' in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "ws://127.0.0.1:5999" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_widget_and_font_are_served_locally(web: str) -> None:
    script = requests.get(f"{web}/widget/widget.js", timeout=10)
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    font = requests.get(
        f"{web}/widget/fonts/noto-sans-bengali-bengali-400-normal.woff2", timeout=10
    )
    assert font.status_code == 200 and len(font.content) > 10_000


def test_new_session_and_renewal(web: str) -> None:
    first = requests.post(f"{web}/api/chat/session", json={}, timeout=10).json()
    renewed = requests.post(
        f"{web}/api/chat/session", json={"token": first["token"]}, timeout=10
    ).json()
    assert renewed["session_id"] == first["session_id"]
    assert renewed["token"]


def test_forged_token_gets_a_new_session_not_the_claimed_one(web: str) -> None:
    claimed = issue_session("not-the-server-secret")
    answer = requests.post(
        f"{web}/api/chat/session", json={"token": claimed.token}, timeout=10
    ).json()
    assert answer["session_id"] != claimed.session_id


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"{", 400), (b"[1, 2]", 400), (b"\xff\xfe\x00garbage", 400), (b'"text"', 400)],
)
def test_bad_bodies_get_a_clear_error(web: str, body: bytes, status: int) -> None:
    answer = requests.post(
        f"{web}/api/chat/session",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == status
    assert answer.json() == {"error": "invalid_json"}


def test_huge_body_is_refused(web: str) -> None:
    answer = requests.post(f"{web}/api/chat/session", data=b"{" + b" " * 100_000 + b"}", timeout=10)
    assert answer.status_code == 413


def test_history_needs_a_valid_token(web: str) -> None:
    assert requests.get(f"{web}/api/chat/history", timeout=10).status_code == 401
    forged = issue_session("wrong-secret").token
    answer = requests.get(
        f"{web}/api/chat/history", headers={"Authorization": f"Bearer {forged}"}, timeout=10
    )
    assert answer.status_code == 401 and answer.json() == {"error": "invalid_session"}


def test_history_of_a_new_session_is_empty(web: str) -> None:
    session = requests.post(f"{web}/api/chat/session", json={}, timeout=10).json()
    answer = requests.get(
        f"{web}/api/chat/history",
        headers={"Authorization": f"Bearer {session['token']}"},
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.json() == {"session_id": session["session_id"], "messages": []}
    assert answer.headers["Cache-Control"] == "no-store"


def test_cors_only_for_configured_origins(web: str) -> None:
    allowed = requests.options(f"{web}/api/chat/session", headers={"Origin": ALLOWED}, timeout=10)
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED
    other = requests.options(
        f"{web}/api/chat/session", headers={"Origin": "https://evil.example"}, timeout=10
    )
    assert other.status_code == 403
    assert "Access-Control-Allow-Origin" not in other.headers
