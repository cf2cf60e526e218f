"""Who may call the action server: the refusal rules, without a server."""

from __future__ import annotations

import json
import zlib
from typing import Dict, Optional

import pytest

from bot import launcher
from bot.action_server import TOKEN_HEADER, Refusal, refusal_for, token_matches
from bot.settings import SettingsError, load_settings

TOKEN = "s3cret-token-of-the-action-server"
CALL = json.dumps({"next_action": "action_handoff", "tracker": {"sender_id": "x"}}).encode()


def check(
    method: str = "POST",
    path: str = "/webhook",
    token: Optional[str] = TOKEN,
    content_type: Optional[str] = "application/json",
    body: bytes = CALL,
    extra: Optional[Dict[str, str]] = None,
) -> Optional[Refusal]:
    headers = {**(extra or {})}
    if token is not None:
        headers[TOKEN_HEADER] = token
    if content_type is not None:
        headers["Content-Type"] = content_type
    return refusal_for(method, path, headers, body, TOKEN)


def test_a_json_call_with_the_token_goes_through() -> None:
    assert check() is None
    assert check(content_type="application/json; charset=utf-8") is None


def test_a_call_rasa_compressed_goes_through() -> None:
    assert check(body=zlib.compress(CALL), extra={"Content-Encoding": "deflate"}) is None


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN[:-1], TOKEN + "x"])
def test_a_missing_or_wrong_token_is_refused(token: Optional[str]) -> None:
    assert check(token=token) == Refusal(401, "missing_or_wrong_token")


def test_listing_the_actions_needs_the_token() -> None:
    assert check("GET", "/actions", token=None, content_type=None, body=b"").status == 401
    assert check("GET", "/actions", content_type=None, body=b"") is None


def test_health_is_open_and_nothing_else() -> None:
    assert check("GET", "/health", token=None, content_type=None, body=b"") is None
    assert check("POST", "/health", token=None).status == 401


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_body_that_is_not_json_is_refused(content_type: Optional[str]) -> None:
    assert check(content_type=content_type) == Refusal(415, "body_must_be_application_json")


def test_a_text_plain_call_without_the_token_is_refused_before_anything_else() -> None:
    assert check(token=None, content_type="text/plain").status == 401


@pytest.mark.parametrize("body", [b"", b"{not json", b"[1, 2]", b'"a string"', b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_refused(body: bytes) -> None:
    assert check(body=body) == Refusal(400, "body_must_be_a_json_object")


def test_a_broken_compressed_body_is_refused() -> None:
    assert check(body=b"not deflate", extra={"Content-Encoding": "deflate"}).status == 400


def test_tokens_are_compared_exactly() -> None:
    assert token_matches(TOKEN, TOKEN)
    assert not token_matches(TOKEN.upper(), TOKEN)
    assert not token_matches("", "")
    assert not token_matches(None, TOKEN)


def test_the_action_server_listens_on_loopback_by_default() -> None:
    settings = load_settings({})
    assert settings.action_bind_address == "127.0.0.1"
    assert settings.action_port == 5055
    assert load_settings({"ACTION_BIND_ADDRESS": "10.0.0.5"}).action_bind_address == "10.0.0.5"


def test_production_needs_a_real_action_server_token() -> None:
    production = {
        "CLINIC_ENV": "production",
        "DATABASE_URL": "postgresql://clinic:s3cret@db:5432/clinic",
        "RASA_AUTH_TOKEN": "k" * 40,
        "WIDGET_JWT_SECRET": "w" * 48,
        "CLINIC_PHONE": "+880 1711 000000",
        "CLINIC_HOURS": "Saturday to Thursday, 10 am to 6 pm",
    }
    for value in ("", "change-me-change-me-change-me", "short"):
        with pytest.raises(SettingsError, match="ACTION_SERVER_TOKEN"):
            load_settings({**production, "ACTION_SERVER_TOKEN": value})
    assert load_settings({**production, "ACTION_SERVER_TOKEN": "a" * 32}).is_production


def test_the_launcher_runs_our_action_server_and_refuses_an_empty_token() -> None:
    command = launcher.action_server_command({"ACTION_SERVER_TOKEN": TOKEN})
    assert command[-2:] == ["-m", "bot.action_server"]
    assert not any(TOKEN in part for part in command)
    with pytest.raises(SystemExit, match="ACTION_SERVER_TOKEN"):
        launcher.action_server_command({})


def test_a_new_env_file_gets_an_action_server_token() -> None:
    assert "ACTION_SERVER_TOKEN" in launcher.GENERATED_SECRETS
    rendered = launcher.render_env_file((launcher.ENV_EXAMPLE).read_text())
    values = dict(
        line.split("=", 1)
        for line in rendered.splitlines()
        if "=" in line and not line.startswith("#")
    )
    assert len(values["ACTION_SERVER_TOKEN"]) >= 40


def test_rasa_sends_the_token_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.utils.endpoints import read_endpoint_config

    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", TOKEN)
    endpoint = read_endpoint_config(str(launcher.PROJECT_ROOT / "endpoints.yml"), "action_endpoint")
    assert endpoint is not None and endpoint.headers == {TOKEN_HEADER: TOKEN}
