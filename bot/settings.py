"""One place that reads the environment.

Every process (the Rasa server, the action server, scripts, tests) gets its
configuration from :func:`get_settings`. Values are read once per process and
validated: outside development a missing or placeholder secret stops the
process with a clear message instead of running insecurely.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Tuple

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
    widget_jwt_secret: str = ""
    widget_allowed_origins: Tuple[str, ...] = ()
    rasa_public_url: str = "http://localhost:5005"
    web_port: int = 8080
    web_bind_address: str = "127.0.0.1"

    @property
    def is_production(self) -> bool:
        """Whether secrets and contact details must be real."""
        return self.environment == PRODUCTION

    @property
    def clinic_whatsapp_digits(self) -> str:
        """The WhatsApp number as wa.me links want it: digits only."""
        return re.sub(r"\D", "", self.clinic_whatsapp)


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


def split_list(raw: str) -> Tuple[str, ...]:
    """Comma-separated values, trimmed, without empties."""
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _port(name: str, raw: str) -> int:
    try:
        port = int(raw)
    except ValueError as error:
        raise SettingsError(f"{name} must be a port number, got {raw!r}") from error
    if not 0 < port < 65536:
        raise SettingsError(f"{name} must be between 1 and 65535, got {port}")
    return port


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
        widget_jwt_secret=environ.get("WIDGET_JWT_SECRET", "").strip(),
        widget_allowed_origins=split_list(
            environ.get("WIDGET_ALLOWED_ORIGINS", "http://localhost:8080")
        ),
        rasa_public_url=environ.get("RASA_PUBLIC_URL", "http://localhost:5005").strip().rstrip("/"),
        web_port=_port("WEB_PORT", environ.get("WEB_PORT", "8080")),
        web_bind_address=environ.get("WEB_BIND_ADDRESS", "127.0.0.1").strip(),
    )
    if settings.is_production:
        _check_production(settings)
    return settings


def _check_production(settings: Settings) -> None:
    problems = []
    if _is_placeholder(settings.rasa_auth_token) or len(settings.rasa_auth_token) < 24:
        problems.append("RASA_AUTH_TOKEN must be a real secret of 24+ characters")
    if _is_placeholder(settings.widget_jwt_secret) or len(settings.widget_jwt_secret) < 32:
        problems.append("WIDGET_JWT_SECRET must be a real secret of 32+ characters")
    if any(origin == "*" for origin in settings.widget_allowed_origins):
        problems.append("WIDGET_ALLOWED_ORIGINS must list origins, not *")
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
