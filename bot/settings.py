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
from typing import List, Mapping, Optional, Tuple

from bot.clinic_hours import OpeningHours, OpeningHoursError, parse_opening_hours

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///var/rasa.db"
DEFAULT_GRAPH_API_URL = "https://graph.facebook.com/v21.0"
DEFAULT_TWILIO_API_URL = "https://api.twilio.com"
DEVELOPMENT = "development"
PRODUCTION = "production"
_ENVIRONMENTS = (DEVELOPMENT, "test", PRODUCTION)
# Values copied from .env.example (or typed as examples: "01XXX-XXXXXX") that
# must never reach production or a patient.
_PLACEHOLDER = re.compile(r"change-?me|example|placeholder|x{3,}", re.IGNORECASE)
LOCK_FALLBACK_MEMORY = "memory"
LOCK_FALLBACK_REFUSE = "refuse"


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
    # WhatsApp Cloud API (bot/channels/whatsapp/meta.py); empty: the channel is off.
    whatsapp_verify_token: str = ""
    whatsapp_app_secret: str = ""
    whatsapp_access_token: str = ""
    whatsapp_phone_number_id: str = ""
    whatsapp_graph_api_url: str = DEFAULT_GRAPH_API_URL
    # WhatsApp through Twilio (bot/channels/whatsapp/twilio.py); empty: off.
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_whatsapp_number: str = ""
    twilio_webhook_url: str = ""
    twilio_api_url: str = DEFAULT_TWILIO_API_URL
    # Where the web process reaches the Rasa server's HTTP API (staff replies).
    rasa_url: str = "http://127.0.0.1:5005"
    clinic_opening_hours: str = ""
    clinic_timezone: str = "Asia/Dhaka"
    console_idle_minutes: int = 30
    console_secure_cookies: bool = False
    # Sign-in attempts per window before a username or an address is locked.
    console_sign_in_limit_per_username: int = 10
    console_sign_in_limit_per_address: int = 30
    console_sign_in_window_minutes: int = 15
    retention_days: int = 365
    # The action server (bot/action_server.py): where it listens, and the
    # secret Rasa sends it in X-Action-Server-Token (endpoints.yml).
    action_bind_address: str = "127.0.0.1"
    action_port: int = 5055
    action_server_token: str = ""
    # The REST channel's token (bot/channels/rest.py); empty: REST is open
    # outside production and off in production.
    rest_channel_token: str = ""
    # How many Rasa processes share the locks (bot/storage/lock_store.py), and
    # what a process does while Redis is unreachable: "memory" (in-process
    # locks, safe with one process) or "refuse" (a retryable refusal).
    rasa_processes: int = 1
    lock_store_fallback: str = LOCK_FALLBACK_MEMORY
    # RASA_SPEEDUPS: install bot/speedups' overrides of Rasa internals ("off": Rasa's own).
    rasa_speedups: bool = True

    @property
    def is_production(self) -> bool:
        """Whether secrets and contact details must be real."""
        return self.environment == PRODUCTION

    @property
    def opening_hours(self) -> OpeningHours:
        """The parsed ``CLINIC_OPENING_HOURS`` (validated when settings load)."""
        return parse_opening_hours(self.clinic_opening_hours, self.clinic_timezone)

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


def is_placeholder(value: str) -> bool:
    """Whether a configured value is empty or still a placeholder.

    The one rule for secrets refused in production and for the clinic's
    contact details the actions show patients.
    """
    return not value or _PLACEHOLDER.search(value) is not None


def service_url(raw: Optional[str], default: str) -> str:
    """An API's base address without a trailing slash; empty means ``default``.

    The one rule for ``WHATSAPP_GRAPH_API_URL`` / ``TWILIO_API_URL`` here and
    for the same values the channels get from ``credentials.yml``.
    """
    return (raw or "").strip().rstrip("/") or default


def speedups_wanted(raw: str) -> bool:
    """``RASA_SPEEDUPS``: anything but ``off``, ``0``, ``false`` or ``no`` (unset: on)."""
    return raw.strip().lower() not in ("off", "0", "false", "no")


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


def _flag(raw: str, default: bool) -> bool:
    value = raw.strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes", "on")


def _positive(name: str, environ: Mapping[str, str], default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from error
    if value < 1:
        raise SettingsError(f"{name} must be at least 1, got {value}")
    return value


def lock_store_fallback(raw: str, rasa_processes: int) -> str:
    """``LOCK_STORE_FALLBACK``, or its default: memory with one Rasa process, else refuse.

    In-process locks cannot order one conversation's messages across
    processes, so ``memory`` with several processes is refused.
    """
    value = raw.strip().lower() or (
        LOCK_FALLBACK_MEMORY if rasa_processes == 1 else LOCK_FALLBACK_REFUSE
    )
    if value not in (LOCK_FALLBACK_MEMORY, LOCK_FALLBACK_REFUSE):
        raise SettingsError(f"LOCK_STORE_FALLBACK must be memory or refuse, got {value!r}")
    if value == LOCK_FALLBACK_MEMORY and rasa_processes > 1:
        raise SettingsError("LOCK_STORE_FALLBACK=memory needs RASA_PROCESSES=1")
    return value


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
        whatsapp_verify_token=environ.get("WHATSAPP_VERIFY_TOKEN", "").strip(),
        whatsapp_app_secret=environ.get("WHATSAPP_APP_SECRET", "").strip(),
        whatsapp_access_token=environ.get("WHATSAPP_ACCESS_TOKEN", "").strip(),
        whatsapp_phone_number_id=environ.get("WHATSAPP_PHONE_NUMBER_ID", "").strip(),
        whatsapp_graph_api_url=service_url(
            environ.get("WHATSAPP_GRAPH_API_URL"), DEFAULT_GRAPH_API_URL
        ),
        twilio_account_sid=environ.get("TWILIO_ACCOUNT_SID", "").strip(),
        twilio_auth_token=environ.get("TWILIO_AUTH_TOKEN", "").strip(),
        twilio_whatsapp_number=environ.get("TWILIO_WHATSAPP_NUMBER", "").strip(),
        twilio_webhook_url=environ.get("TWILIO_WEBHOOK_URL", "").strip(),
        twilio_api_url=service_url(environ.get("TWILIO_API_URL"), DEFAULT_TWILIO_API_URL),
        rasa_url=(
            environ.get("RASA_URL", "").strip()
            or f"http://127.0.0.1:{environ.get('RASA_PORT', '').strip() or '5005'}"
        ).rstrip("/"),
        clinic_opening_hours=environ.get("CLINIC_OPENING_HOURS", "").strip(),
        clinic_timezone=environ.get("CLINIC_TIMEZONE", "").strip() or "Asia/Dhaka",
        console_idle_minutes=_positive("CONSOLE_IDLE_MINUTES", environ, 30),
        # Secure cookies (HTTPS only) by default in production.
        console_secure_cookies=_flag(
            environ.get("CONSOLE_SECURE_COOKIES", ""), default=environment == PRODUCTION
        ),
        console_sign_in_limit_per_username=_positive(
            "CONSOLE_SIGN_IN_LIMIT_PER_USERNAME", environ, 10
        ),
        console_sign_in_limit_per_address=_positive(
            "CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS", environ, 30
        ),
        console_sign_in_window_minutes=_positive("CONSOLE_SIGN_IN_WINDOW_MINUTES", environ, 15),
        retention_days=_positive("RETENTION_DAYS", environ, 365),
        action_bind_address=environ.get("ACTION_BIND_ADDRESS", "").strip() or "127.0.0.1",
        action_port=_port("ACTION_PORT", environ.get("ACTION_PORT", "").strip() or "5055"),
        action_server_token=environ.get("ACTION_SERVER_TOKEN", "").strip(),
        rest_channel_token=environ.get("REST_CHANNEL_TOKEN", "").strip(),
        rasa_processes=_positive("RASA_PROCESSES", environ, 1),
        lock_store_fallback=lock_store_fallback(
            environ.get("LOCK_STORE_FALLBACK", ""), _positive("RASA_PROCESSES", environ, 1)
        ),
        rasa_speedups=speedups_wanted(environ.get("RASA_SPEEDUPS", "")),
    )
    try:
        parse_opening_hours(settings.clinic_opening_hours, settings.clinic_timezone)
    except OpeningHoursError as error:
        raise SettingsError(f"CLINIC_OPENING_HOURS / CLINIC_TIMEZONE: {error}") from error
    if settings.is_production:
        _check_production(settings)
    return settings


def _check_production(settings: Settings) -> None:
    problems = []
    if is_placeholder(settings.rasa_auth_token) or len(settings.rasa_auth_token) < 24:
        problems.append("RASA_AUTH_TOKEN must be a real secret of 24+ characters")
    if is_placeholder(settings.action_server_token) or len(settings.action_server_token) < 24:
        problems.append("ACTION_SERVER_TOKEN must be a real secret of 24+ characters")
    if is_placeholder(settings.widget_jwt_secret) or len(settings.widget_jwt_secret) < 32:
        problems.append("WIDGET_JWT_SECRET must be a real secret of 32+ characters")
    if any(origin == "*" for origin in settings.widget_allowed_origins):
        problems.append("WIDGET_ALLOWED_ORIGINS must list origins, not *")
    if settings.database_url.startswith("sqlite"):
        problems.append("DATABASE_URL must point to PostgreSQL in production")
    for name, value in (
        ("CLINIC_PHONE", settings.clinic_phone),
        ("CLINIC_HOURS", settings.clinic_hours),
    ):
        if is_placeholder(value):
            problems.append(f"{name} must be set to the clinic's real details")
    if settings.rest_channel_token and (
        is_placeholder(settings.rest_channel_token) or len(settings.rest_channel_token) < 24
    ):
        problems.append("REST_CHANNEL_TOKEN must be empty (REST off) or a secret of 24+ characters")
    problems += _messaging_problems(settings)
    if problems:
        raise SettingsError("; ".join(problems))


def _messaging_problems(settings: Settings) -> List[str]:
    """A WhatsApp channel that is switched on must be locked down."""
    problems = []
    if settings.whatsapp_access_token:
        if is_placeholder(settings.whatsapp_app_secret) or len(settings.whatsapp_app_secret) < 16:
            problems.append("WHATSAPP_APP_SECRET must be the app's real secret")
        if (
            is_placeholder(settings.whatsapp_verify_token)
            or len(settings.whatsapp_verify_token) < 16
        ):
            problems.append("WHATSAPP_VERIFY_TOKEN must be a real secret of 16+ characters")
        if not settings.whatsapp_phone_number_id.isdigit():
            problems.append("WHATSAPP_PHONE_NUMBER_ID must be the number's id (digits)")
        if not settings.whatsapp_graph_api_url.startswith("https://"):
            problems.append("WHATSAPP_GRAPH_API_URL must use https")
    if settings.twilio_account_sid:
        if is_placeholder(settings.twilio_auth_token) or len(settings.twilio_auth_token) < 16:
            problems.append("TWILIO_AUTH_TOKEN must be the account's real auth token")
        if not settings.twilio_whatsapp_number:
            problems.append("TWILIO_WHATSAPP_NUMBER must be set")
        if not settings.twilio_webhook_url.startswith("https://"):
            problems.append("TWILIO_WEBHOOK_URL must be the public https URL Twilio calls")
        if not settings.twilio_api_url.startswith("https://"):
            problems.append("TWILIO_API_URL must use https")
    return problems


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return this process's settings, read from ``os.environ`` on first use."""
    return load_settings(os.environ)
