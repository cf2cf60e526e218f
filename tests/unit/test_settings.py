"""Settings read from the environment, and the refusal of unsafe production set-ups."""

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings, normalise_database_url

PRODUCTION = {
    "CLINIC_ENV": "production",
    "DATABASE_URL": "postgresql://clinic:s3cret@db:5432/clinic",
    "RASA_AUTH_TOKEN": "k" * 40,
    "WIDGET_JWT_SECRET": "w" * 48,
    "CLINIC_PHONE": "+880 1711 000000",
    "CLINIC_HOURS": "Saturday to Thursday, 10 am to 6 pm",
}


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
