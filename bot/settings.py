"""One place that reads the environment.

Every process (the Rasa server, the action server, scripts, tests) gets its
configuration from :func:`get_settings`. Values are read once per process and
validated: outside development a missing or placeholder secret stops the
process with a clear message instead of running insecurely.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///var/rasa.db"
DEVELOPMENT = "development"
PRODUCTION = "production"
_ENVIRONMENTS = (DEVELOPMENT, "test", PRODUCTION)
# Values copied from .env.example that must never reach production.
_PLACEHOLDER_MARKERS = ("change-me", "changeme", "example", "xxxx", "placeholder")


class SettingsError(ValueError):
    """The environment does not describe a usable configuration."""


@dataclass(frozen=True)
class Settings:
    """Validated configuration of the assistant."""

    environment: str
    database_url: str
    redis_url: Optional[str]
    rasa_auth_token: str
    action_server_url: str
    clinic_phone: str
    clinic_whatsapp: str
    clinic_hours: str

    @property
    def is_production(self) -> bool:
        """Whether secrets and contact details must be real."""
        return self.environment == PRODUCTION


def normalise_database_url(url: str, root: Path = PROJECT_ROOT) -> str:
    """Return an SQLAlchemy URL with relative SQLite paths made absolute.

    Rasa and the action server may start in different working directories, so
    ``sqlite:///var/rasa.db`` is resolved against the project root. Heroku-style
    ``postgres://`` URLs are rewritten to the ``postgresql://`` SQLAlchemy needs.

    Args:
        url: The database URL as configured.
        root: The folder relative SQLite paths are resolved against.

    Returns:
        A URL SQLAlchemy 1.4 accepts.
    """
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != "sqlite:///:memory:":
        path = Path(url[len(prefix) :])
        if not path.is_absolute():
            path = root / path
        return prefix + str(path)
    return url


def _is_placeholder(value: str) -> bool:
    lowered = value.lower()
    return not value or any(marker in lowered for marker in _PLACEHOLDER_MARKERS)


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Build and validate settings from an environment mapping.

    Args:
        environ: Usually ``os.environ``; tests pass a plain dict.

    Returns:
        The validated settings.

    Raises:
        SettingsError: A value is malformed, or a secret is missing or still a
            placeholder in production.
    """
    environment = environ.get("CLINIC_ENV", DEVELOPMENT).strip().lower()
    if environment not in _ENVIRONMENTS:
        raise SettingsError(
            f"CLINIC_ENV must be one of {', '.join(_ENVIRONMENTS)}, got {environment!r}"
        )
    settings = Settings(
        environment=environment,
        database_url=normalise_database_url(
            environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
        ),
        redis_url=environ.get("REDIS_URL", "").strip() or None,
        rasa_auth_token=environ.get("RASA_AUTH_TOKEN", "").strip(),
        action_server_url=environ.get("ACTION_SERVER_URL", "http://localhost:5055/webhook").strip(),
        clinic_phone=environ.get("CLINIC_PHONE", "").strip(),
        clinic_whatsapp=environ.get("CLINIC_WHATSAPP", "").strip(),
        clinic_hours=environ.get("CLINIC_HOURS", "").strip(),
    )
    if settings.is_production:
        _check_production(settings)
    return settings


def _check_production(settings: Settings) -> None:
    problems = []
    if _is_placeholder(settings.rasa_auth_token) or len(settings.rasa_auth_token) < 24:
        problems.append("RASA_AUTH_TOKEN must be a real secret of 24+ characters")
    if settings.database_url.startswith("sqlite"):
        problems.append("DATABASE_URL must point to PostgreSQL in production")
    for name, value in (
        ("CLINIC_PHONE", settings.clinic_phone),
        ("CLINIC_HOURS", settings.clinic_hours),
    ):
        if _is_placeholder(value):
            problems.append(f"{name} must be set to the clinic's real details")
    if problems:
        raise SettingsError("; ".join(problems))


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return this process's settings, read from ``os.environ`` on first use."""
    return load_settings(os.environ)
