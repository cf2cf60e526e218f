"""credentials.yml registers both WhatsApp channels, from variables that always exist."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterator

import pytest
from dotenv import dotenv_values
from rasa.core.run import create_http_input_channels
from rasa.shared.exceptions import RasaException

from bot.channels.whatsapp.meta import WhatsAppCloudInput
from bot.channels.whatsapp.twilio import TwilioWhatsAppInput
from bot.settings import get_settings
from tests.utils.stack import AssistantStack

ROOT = Path(__file__).resolve().parents[2]
CREDENTIALS = ROOT / "credentials.yml"


def credential_variables() -> set:
    return set(re.findall(r"\$\{(\w+)\}", CREDENTIALS.read_text()))


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A clean environment for Rasa's ${VAR} substitution and our settings."""
    for name in credential_variables() | {"REDIS_URL"}:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def load_channels(monkeypatch: pytest.MonkeyPatch, env: Dict[str, str]) -> Dict[str, object]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    channels = create_http_input_channels(None, str(CREDENTIALS))
    return {channel.name(): channel for channel in channels}


def test_every_variable_is_in_env_example_and_the_test_stack() -> None:
    example = dotenv_values(ROOT / ".env.example")
    stack = AssistantStack(database_url="sqlite://", redis_url="", model=Path("m.tar.gz")).env
    for name in credential_variables():
        assert name in example, f"{name} missing from .env.example"
        assert name in stack, f"{name} missing from AssistantStack.env"


def test_test_stack_switches_both_channels_on_towards_loopback(environment) -> None:
    stack = AssistantStack(database_url="sqlite://", redis_url="", model=Path("m.tar.gz"))
    channels = load_channels(environment, stack.env)
    whatsapp, twilio = channels["whatsapp"], channels["twilio_whatsapp"]
    assert isinstance(whatsapp, WhatsAppCloudInput) and whatsapp.configured
    assert whatsapp.client.base_url == f"{stack.fake_api_url}/v21.0"
    assert isinstance(twilio, TwilioWhatsAppInput) and twilio.configured
    assert twilio.client.api_url == stack.fake_api_url


def test_empty_values_from_env_example_leave_the_channels_off(environment) -> None:
    example = {k: v or "" for k, v in dotenv_values(ROOT / ".env.example").items()}
    example["WIDGET_JWT_SECRET"] = "x" * 32
    channels = load_channels(environment, example)
    assert not channels["whatsapp"].configured
    assert channels["whatsapp"].client.base_url == "https://graph.facebook.com/v21.0"
    assert not channels["twilio_whatsapp"].configured
    assert channels["twilio_whatsapp"].client.api_url == "https://api.twilio.com"


def test_an_unset_variable_stops_rasa(environment) -> None:
    # Why .env.example and the test stack must name every variable.
    example = {k: v or "" for k, v in dotenv_values(ROOT / ".env.example").items()}
    example["WIDGET_JWT_SECRET"] = "x" * 32
    del example["WHATSAPP_APP_SECRET"]
    with pytest.raises(RasaException, match="WHATSAPP_APP_SECRET"):
        load_channels(environment, example)
