"""Settings read from the environment, and the refusal of unsafe production set-ups."""

from pathlib import Path

import pytest

from bot.settings import SettingsError, is_placeholder, load_settings, normalise_database_url
from tests.utils.environments import PRODUCTION


def test_development_defaults_to_sqlite_in_the_project() -> None:
    settings = load_settings({})
    assert settings.environment == "development"
    assert settings.database_url.startswith("sqlite:////")
    assert settings.database_url.endswith("/var/rasa.db")
    assert settings.redis_url is None


def test_relative_sqlite_path_is_resolved_against_the_project(tmp_path: Path) -> None:
    assert (
        normalise_database_url("sqlite:///db/x.db", root=tmp_path)
        == f"sqlite:///{tmp_path}/db/x.db"
    )
    assert normalise_database_url("sqlite:////abs/x.db", root=tmp_path) == "sqlite:////abs/x.db"


def test_heroku_style_postgres_url_is_rewritten() -> None:
    assert normalise_database_url("postgres://u:p@h/db") == "postgresql://u:p@h/db"


def test_complete_production_settings_are_accepted() -> None:
    assert load_settings(PRODUCTION).is_production


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("RASA_AUTH_TOKEN", "", "RASA_AUTH_TOKEN"),
        ("RASA_AUTH_TOKEN", "change-me-change-me-change-me", "RASA_AUTH_TOKEN"),
        ("ACTION_SERVER_TOKEN", "", "ACTION_SERVER_TOKEN"),
        ("ACTION_SERVER_TOKEN", "change-me-change-me-change-me", "ACTION_SERVER_TOKEN"),
        ("DATABASE_URL", "sqlite:///var/rasa.db", "PostgreSQL"),
        ("CLINIC_PHONE", "", "CLINIC_PHONE"),
        ("CLINIC_HOURS", "example hours", "CLINIC_HOURS"),
        ("WIDGET_JWT_SECRET", "short", "WIDGET_JWT_SECRET"),
        ("WIDGET_ALLOWED_ORIGINS", "*", "WIDGET_ALLOWED_ORIGINS"),
    ],
)
def test_production_refuses_placeholders(name: str, value: str, complaint: str) -> None:
    with pytest.raises(SettingsError, match=complaint):
        load_settings({**PRODUCTION, name: value})


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(SettingsError, match="CLINIC_ENV"):
        load_settings({"CLINIC_ENV": "staging"})


# WhatsApp channels (bot/channels/whatsapp/meta.py, bot/channels/whatsapp/twilio.py).
WHATSAPP = {
    "WHATSAPP_ACCESS_TOKEN": "EAAG" + "t" * 60,
    "WHATSAPP_APP_SECRET": "3f1c0e4b9a7d4c21b6e8f0a2d5c7e9b1",
    "WHATSAPP_VERIFY_TOKEN": "Qm9pbnQtdmVyaWZ5LXRva2VuLTIwMjU",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
}
TWILIO = {
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
    "TWILIO_AUTH_TOKEN": "0123456789abcdef0123456789abcdef",
    "TWILIO_WHATSAPP_NUMBER": "whatsapp:+8801711000000",
    "TWILIO_WEBHOOK_URL": "https://bot.clinic.com.bd/webhooks/twilio_whatsapp/webhook",
}


def test_whatsapp_is_off_by_default() -> None:
    settings = load_settings({})
    assert settings.whatsapp_access_token == "" and settings.twilio_auth_token == ""
    assert settings.whatsapp_graph_api_url == "https://graph.facebook.com/v21.0"
    assert settings.twilio_api_url == "https://api.twilio.com"


def test_whatsapp_values_are_read() -> None:
    settings = load_settings(
        {**WHATSAPP, **TWILIO, "WHATSAPP_GRAPH_API_URL": "http://127.0.0.1:9/v21.0/"}
    )
    assert settings.whatsapp_phone_number_id == "106540352242922"
    assert settings.whatsapp_graph_api_url == "http://127.0.0.1:9/v21.0"
    assert settings.twilio_whatsapp_number == "whatsapp:+8801711000000"


def test_production_accepts_real_whatsapp_settings() -> None:
    assert load_settings({**PRODUCTION, **WHATSAPP, **TWILIO}).is_production


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("WHATSAPP_APP_SECRET", "", "WHATSAPP_APP_SECRET"),
        ("WHATSAPP_APP_SECRET", "change-me-change-me-change-me", "WHATSAPP_APP_SECRET"),
        ("WHATSAPP_VERIFY_TOKEN", "", "WHATSAPP_VERIFY_TOKEN"),
        ("WHATSAPP_VERIFY_TOKEN", "short", "WHATSAPP_VERIFY_TOKEN"),
        ("WHATSAPP_PHONE_NUMBER_ID", "", "WHATSAPP_PHONE_NUMBER_ID"),
        ("WHATSAPP_GRAPH_API_URL", "http://graph.facebook.com/v21.0", "WHATSAPP_GRAPH_API_URL"),
    ],
)
def test_production_whatsapp_needs_real_secrets(name: str, value: str, complaint: str) -> None:
    with pytest.raises(SettingsError, match=complaint):
        load_settings({**PRODUCTION, **WHATSAPP, name: value})


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("TWILIO_AUTH_TOKEN", "", "TWILIO_AUTH_TOKEN"),
        ("TWILIO_AUTH_TOKEN", "placeholder-placeholder", "TWILIO_AUTH_TOKEN"),
        ("TWILIO_WHATSAPP_NUMBER", "", "TWILIO_WHATSAPP_NUMBER"),
        ("TWILIO_WEBHOOK_URL", "", "TWILIO_WEBHOOK_URL"),
    ],
)
def test_production_twilio_needs_real_secrets(name: str, value: str, complaint: str) -> None:
    with pytest.raises(SettingsError, match=complaint):
        load_settings({**PRODUCTION, **TWILIO, name: value})


def test_whatsapp_secrets_are_not_checked_while_the_channel_is_off() -> None:
    # Without an access token (or account SID) the channels are off.
    settings = load_settings({**PRODUCTION, "WHATSAPP_APP_SECRET": "x"})
    assert settings.is_production


def test_sign_in_limits_have_defaults_and_can_be_set() -> None:
    defaults = load_settings({})
    assert (
        defaults.console_sign_in_limit_per_username,
        defaults.console_sign_in_limit_per_address,
        defaults.console_sign_in_window_minutes,
    ) == (10, 30, 15)
    chosen = load_settings(
        {
            "CONSOLE_SIGN_IN_LIMIT_PER_USERNAME": "5",
            "CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS": "50",
            "CONSOLE_SIGN_IN_WINDOW_MINUTES": "30",
        }
    )
    assert (
        chosen.console_sign_in_limit_per_username,
        chosen.console_sign_in_limit_per_address,
        chosen.console_sign_in_window_minutes,
    ) == (5, 50, 30)
    with pytest.raises(SettingsError, match="CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS"):
        load_settings({"CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS": "0"})


def test_retention_days_setting() -> None:
    # The retention command's default period (bot/retention.py).
    assert load_settings({}).retention_days == 365
    assert load_settings({"RETENTION_DAYS": " 30 "}).retention_days == 30
    for bad in ("0", "-1", "a year"):
        with pytest.raises(ValueError):
            load_settings({"RETENTION_DAYS": bad})


def test_rasa_speedups_setting() -> None:
    # bot/speedups' overrides are on unless RASA_SPEEDUPS says off.
    assert load_settings({}).rasa_speedups is True
    for on in ("on", "1", "yes", " "):
        assert load_settings({"RASA_SPEEDUPS": on}).rasa_speedups is True
    for off in ("off", "OFF ", "0", "false", "no"):
        assert load_settings({"RASA_SPEEDUPS": off}).rasa_speedups is False


@pytest.mark.parametrize(
    ("value", "placeholder"),
    [
        ("", True),
        ("change-me-change-me", True),
        ("CHANGEME", True),
        ("https://bot.example.org/webhooks", True),
        ("placeholder-placeholder", True),
        ("+8801XXXXXXXXX", True),
        ("01XXX-XXX", True),
        ("+880 1711-000000", False),
        ("Sat-Thu 9am-8pm", False),
        ("3f1c0e4b9a7d4c21b6e8f0a2d5c7e9b1", False),
    ],
)
def test_placeholders(value: str, placeholder: bool) -> None:
    assert is_placeholder(value) is placeholder
